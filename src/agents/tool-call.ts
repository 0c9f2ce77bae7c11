/**
 * What a tool call is about, as Flotilla shows it in a permission request: the command, file
 * path, URL or pattern of its input. One rule for Claude Code's PermissionRequest hook and for a
 * headless agent's request through `flotilla mcp`.
 */
export function subjectOf(input: Record<string, unknown>): string | null {
  for (const key of ['command', 'file_path', 'notebook_path', 'url', 'pattern', 'path']) {
    const value = input[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}
