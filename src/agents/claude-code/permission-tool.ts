import { join } from 'node:path';
import type { LaunchContext, LaunchFile, LaunchSpec } from '../types.js';

/**
 * Headless agents ask Flotilla for permission: `claude -p` cannot show a dialog, so Claude Code
 * is given a permission prompt tool (`--permission-prompt-tool`) served by `flotilla mcp`, an MCP
 * server declared in a config file of the agent's own (`--mcp-config`). The user's own MCP
 * servers still load (no `--strict-mcp-config`): nothing of theirs is replaced or edited.
 * See docs/adr/0011-headless-permissions.md.
 */

export const MCP_CONFIG_FILE = 'mcp.json';
/** The tool as Claude Code names it: `mcp__<server>__<tool>` (src/mcp/server.ts serves it). */
export const PERMISSION_PROMPT_TOOL = 'mcp__flotilla__permission_prompt';

/** `[node, …/bin/flotilla.js, 'hook']` → `[node, …/bin/flotilla.js, 'mcp']`. */
function mcpArgv(hookArgv: readonly string[]): string[] {
  const at = hookArgv.lastIndexOf('hook');
  return at === -1 ? [...hookArgv, 'mcp'] : [...hookArgv.slice(0, at), 'mcp', ...hookArgv.slice(at + 1)];
}

/** The extra arguments and the MCP config file of a headless launch; nothing for interactive ones. */
export function permissionTool(ctx: LaunchContext): { args: string[]; files: LaunchFile[] } {
  if (ctx.mode !== 'headless') return { args: [], files: [] };
  const [command, ...args] = mcpArgv(ctx.hookArgv);
  const path = join(ctx.agentDir, MCP_CONFIG_FILE);
  // The server inherits the agent's environment (FLOTILLA_AGENT_TOKEN…, checked on 2.1.197), so
  // no credential is written here.
  const config = { mcpServers: { flotilla: { type: 'stdio', command, args } } };
  return {
    args: ['--mcp-config', path, '--permission-prompt-tool', PERMISSION_PROMPT_TOOL],
    files: [{ path, content: `${JSON.stringify(config, null, 2)}\n`, mode: 0o600 }],
  };
}

/**
 * A launch or resume with the prompt tool added (headless only): the options go after the
 * user's args and before the `--` that precedes the prompt. An option ends the list of a
 * variadic one before it (`--allowedTools Bash Edit`), and `--mcp-config` is followed by
 * another option.
 */
export function withPermissionTool(
  build: (ctx: LaunchContext) => LaunchSpec,
): (ctx: LaunchContext) => LaunchSpec {
  return (ctx) => {
    const spec = build(ctx);
    const tool = permissionTool(ctx);
    if (tool.args.length === 0) return spec;
    const at = spec.argv.at(-1) === '--' ? spec.argv.length - 1 : spec.argv.length;
    const argv = [...spec.argv.slice(0, at), ...tool.args, ...spec.argv.slice(at)];
    return { ...spec, argv, files: [...spec.files, ...tool.files] };
  };
}
