import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import type { PermissionVerdict } from '../domain/permission.js';
import { AgentCalls, type AgentToolCalls } from './agent-calls.js';
import { registerAgentTools } from './agent-tools.js';
import { type AgentLink, type AskOptions, askDaemon, linkFromEnv } from './client.js';

/**
 * `flotilla mcp`: the MCP server (stdio) Claude Code starts for every Flotilla agent, from the
 * `--mcp-config` file in the agent's dir. It serves the agent tools (agent-tools.ts: list and
 * create tasks, report progress, ask the user, ready for review; ADR 0022) and, for headless
 * agents, their permission prompt (`--permission-prompt-tool mcp__flotilla__permission_prompt`):
 * Claude Code calls it with {tool_name, input, tool_use_id} for every call that needs approval,
 * and reads the text it returns as {"behavior":"allow","updatedInput":{…}} or
 * {"behavior":"deny","message":"…"} (verified on 2.1.197; see docs/adr/0011-headless-permissions.md).
 * `--no-permission-prompt` (interactive agents, which have Claude Code's own dialog) leaves it out.
 */

export const MCP_SERVER_NAME = 'flotilla';
export const PERMISSION_TOOL = 'permission_prompt';
/** The name Claude Code knows the tool by: `mcp__<server>__<tool>`. */
export const PERMISSION_TOOL_FQN = `mcp__${MCP_SERVER_NAME}__${PERMISSION_TOOL}`;
/** The option that leaves the permission prompt tool out. */
export const NO_PERMISSION_PROMPT = '--no-permission-prompt';

type Ask = (req: {
  tool_name: string;
  input: Record<string, unknown>;
  tool_use_id?: string;
}) => Promise<PermissionVerdict>;

/**
 * The server with its tools: `ask` decides permission requests (null: no prompt tool), `calls`
 * reach the daemon for the agent tools (null: none) — the daemon, in real use.
 */
export function buildMcpServer(ask: Ask | null, calls: AgentToolCalls | null = null): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version: '1' });
  if (calls) registerAgentTools(server, calls);
  if (ask) registerPermissionTool(server, ask);
  return server;
}

function registerPermissionTool(server: McpServer, ask: Ask): void {
  server.registerTool(
    PERMISSION_TOOL,
    {
      description:
        "Asks Flotilla whether this agent may run a tool: the agent's permission rules, or its user (flotilla approve or flotilla deny).",
      inputSchema: {
        tool_name: z.string().describe('The tool asking for permission'),
        input: z.record(z.string(), z.unknown()).describe("The tool's input"),
        tool_use_id: z.string().optional().describe('The call this is about'),
      },
    },
    async (args) => {
      const verdict = await ask({
        tool_name: args.tool_name,
        input: args.input,
        ...(args.tool_use_id === undefined ? {} : { tool_use_id: args.tool_use_id }),
      });
      return { content: [{ type: 'text', text: JSON.stringify(verdict) }] };
    },
  );
}

/** Runs the server on stdin/stdout until Claude Code closes it. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  options: AskOptions = {},
): Promise<number> {
  const link: AgentLink | string = linkFromEnv(env);
  if (typeof link === 'string') {
    process.stderr.write(`${link}\n`);
    return 2;
  }
  const prompt = !argv.includes(NO_PERMISSION_PROMPT);
  const server = buildMcpServer(prompt ? (req) => askDaemon(link, req, options) : null, new AgentCalls(link));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.on('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  return 0;
}
