import type { LogBuffer } from './logBuffer.js';
import { formatLine } from './logFilter.js';

/** `flotilla-<source>-<timestamp>.log`, with a timestamp that is safe in any file system. */
export function logFileName(source: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return `flotilla-${source.replace(/[^\w.-]/g, '_')}-${stamp}.log`;
}

/** The lines the view shows (filters applied) as the text of a .log file. */
export function logText(buffer: LogBuffer, indices: readonly number[]): string {
  const out: string[] = [];
  for (const i of indices) {
    const line = buffer.at(i);
    if (line) out.push(formatLine(line));
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** Saves text as a file through a Blob URL (nothing is sent to the daemon again). */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download by now; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
