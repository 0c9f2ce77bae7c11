import { join } from 'node:path';
import type { LaunchContext, LaunchFile, LaunchSpec } from '../types.js';

/**
 * Every Claude Code agent gets Flotilla's MCP server (`flotilla mcp`, stdio), declared in a config
 * file of the agent's own (`--mcp-config`): its agent tools (list and create tasks, report
 * progress, ask the user, ready for review; ADR 0022), which the agent's settings allow so that
 * talking to Flotilla never opens a dialog. A headless agent also gets its permission prompt
 * tool there (`--permission-prompt-tool`): `claude -p` cannot show a dialog (ADR 0011). An
 * interactive agent's server leaves that tool out (`--no-permission-prompt`): its dialog is
 * Claude Code's own. The user's own MCP servers still load (no `--strict-mcp-config`): nothing
 * of theirs is replaced or edited.
 */

export const MCP_CONFIG_FILE = 'mcp.json';
/** The tool as Claude Code names it: `mcp__<server>__<tool>` (src/mcp/server.ts serves it). */
export const PERMISSION_PROMPT_TOOL = 'mcp__flotilla__permission_prompt';
/** `flotilla mcp`'s option for interactive agents (mcp/server.ts NO_PERMISSION_PROMPT). */
const NO_PERMISSION_PROMPT = '--no-permission-prompt';

/** `[node, …/bin/flotilla.js, 'hook']` → `[node, …/bin/flotilla.js, 'mcp']`. */
function mcpArgv(hookArgv: readonly string[]): string[] {
  const at = hookArgv.lastIndexOf('hook');
  return at === -1 ? [...hookArgv, 'mcp'] : [...hookArgv.slice(0, at), 'mcp', ...hookArgv.slice(at + 1)];
}

/** The extra arguments and the MCP config file of a launch (the prompt tool for headless ones). */
export function flotillaMcp(ctx: LaunchContext): { args: string[]; files: LaunchFile[] } {
  const headless = ctx.mode === 'headless';
  const [command, ...args] = mcpArgv(ctx.hookArgv);
  if (!headless) args.push(NO_PERMISSION_PROMPT);
  const path = join(ctx.agentDir, MCP_CONFIG_FILE);
  // The server inherits the agent's environment (FLOTILLA_AGENT_TOKEN…, checked on 2.1.197), so
  // no credential is written here. `alwaysLoad` (in Claude Code's config schema since 2.1.197 at
  // least): its tools are always in the model's tool list, never deferred behind tool search
  // (which Claude Code does to MCP tools when a user's servers bring many), and versions that
  // wait for such servers at start do. 2.1.197's TUI does not: its first request goes out while
  // `flotilla mcp` is still starting (measured: without Flotilla's tools, which the next request
  // of the same turn has, ~40 ms later); a real model's first answer takes longer than that.
  const config = { mcpServers: { flotilla: { type: 'stdio', command, args, alwaysLoad: true } } };
  return {
    args: ['--mcp-config', path, ...(headless ? ['--permission-prompt-tool', PERMISSION_PROMPT_TOOL] : [])],
    files: [{ path, content: `${JSON.stringify(config, null, 2)}\n`, mode: 0o600 }],
  };
}

/**
 * A launch or resume with Flotilla's MCP server added: the options go after the user's args and
 * before the `--` that precedes the prompt. An option ends the list of a variadic one before it
 * (`--allowedTools Bash Edit`); `--mcp-config` is variadic too, and is followed by another
 * option, by `--`, or by nothing.
 */
export function withFlotillaMcp(
  build: (ctx: LaunchContext) => LaunchSpec,
): (ctx: LaunchContext) => LaunchSpec {
  return (ctx) => {
    const spec = build(ctx);
    const mcp = flotillaMcp(ctx);
    const at = spec.argv.at(-1) === '--' ? spec.argv.length - 1 : spec.argv.length;
    const argv = [...spec.argv.slice(0, at), ...mcp.args, ...spec.argv.slice(at)];
    return { ...spec, argv, files: [...spec.files, ...mcp.files] };
  };
}
