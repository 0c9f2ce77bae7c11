/**
 * Follows an agent's pane log (written by tmux pipe-pane) from a given offset: fs.watch for
 * promptness, plus a slow poll because watch events can be missed (some filesystems, a file
 * created after the watch began, rotation). Bytes are decoded as UTF-8 across chunk boundaries.
 */
import { existsSync, type FSWatcher, statSync, watch } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface PaneTailOptions {
  file: string;
  /** Start here (bytes); default: the file's current end. */
  from?: number;
  pollMs?: number;
  /** Most bytes read per wake-up, so one huge burst cannot pin a large buffer. */
  maxChunk?: number;
  onData(text: string): void;
  /** Asked before each read: false skips the new bytes (the reader is too slow). */
  wants?(): boolean;
  /** Called when bytes were skipped because `wants` said no. */
  onSkipped?(): void;
  /** Called when the file shrank (truncated or replaced): reading starts again at 0. */
  onReset?(): void;
}

export class PaneTail {
  private offset: number;
  private readonly decoder = new StringDecoder('utf8');
  private watcher: FSWatcher | undefined;
  private readonly timer: NodeJS.Timeout;
  private reading = false;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: PaneTailOptions) {
    this.offset = opts.from ?? fileSize(opts.file);
    try {
      this.watcher = watch(opts.file, () => this.poke());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No file yet, or watch unsupported: the poll covers it.
    }
    this.timer = setInterval(() => this.poke(), opts.pollMs ?? 250);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.watcher?.close();
  }

  /** Reads what is new now; coalesces wake-ups that arrive while a read runs. */
  poke(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    void this.read().finally(() => {
      this.reading = false;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  private async read(): Promise<void> {
    const size = fileSize(this.opts.file);
    if (size < this.offset) {
      // Truncated or replaced; bytes the decoder held belonged to the old content.
      this.offset = 0;
      this.decoder.end();
      this.opts.onReset?.();
    }
    if (size === this.offset) return;
    if (this.opts.wants && !this.opts.wants()) {
      this.offset = size;
      this.opts.onSkipped?.();
      return;
    }
    const max = this.opts.maxChunk ?? 256 * 1024;
    const length = Math.min(size - this.offset, max);
    const handle = await open(this.opts.file, 'r').catch(() => null);
    if (!handle) return;
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, this.offset);
      this.offset += bytesRead;
      const text = this.decoder.write(buf.subarray(0, bytesRead));
      if (text && !this.stopped) this.opts.onData(text);
      if (this.offset < size) this.again = true;
    } finally {
      await handle.close();
    }
  }
}

function fileSize(file: string): number {
  try {
    return existsSync(file) ? statSync(file).size : 0;
  } catch {
    return 0;
  }
}
