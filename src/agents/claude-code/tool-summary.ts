import { rec, shorten, str } from '../json.js';

/** "Bash: git commit -m …", "Edit: src/a.ts": what a tool call is about, in one short line. */
export function toolSummary(payload: Record<string, unknown>): string {
  const tool = str(payload, 'tool_name') ?? 'tool';
  const input = rec(payload, 'tool_input');
  const subject =
    str(input, 'command') ??
    str(input, 'file_path') ??
    str(input, 'path') ??
    str(input, 'url') ??
    str(input, 'pattern') ??
    str(input, 'description') ??
    str(input, 'prompt');
  return shorten(subject === undefined ? tool : `${tool}: ${subject}`);
}
