import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/agents/claude-code/index.js';
import { AGENT_TOOL_FQNS } from '../../../src/domain/agent-tools.js';
import { launchContext } from './fixtures.js';

type McpConfig = {
  mcpServers: Record<string, { command: string; args: string[]; env?: unknown; alwaysLoad?: boolean }>;
};
const mcpConfig = (files: { path: string; content: string }[]) =>
  JSON.parse(files.find((f) => f.path === '/state/agents/ag_123/mcp.json')?.content ?? '{}') as McpConfig;

describe("claude-code launch: Flotilla's MCP server", () => {
  it('headless: an MCP config of its own running `flotilla mcp`, and the prompt tool, before the prompt', () => {
    const spec = claudeCodeAdapter.launch(
      launchContext({ mode: 'headless', config: { args: ['--allowedTools', 'Read', 'Grep'] } }),
    );
    const at = spec.argv.indexOf('--mcp-config');
    expect(spec.argv.slice(at)).toEqual([
      '--mcp-config',
      '/state/agents/ag_123/mcp.json',
      '--permission-prompt-tool',
      'mcp__flotilla__permission_prompt',
      '--',
    ]);
    // The user's variadic option is ended by ours, never fed our values.
    expect(spec.argv.indexOf('Grep')).toBeLessThan(at);
    expect(spec.argv).not.toContain('--strict-mcp-config');
    const server = mcpConfig(spec.files).mcpServers.flotilla;
    expect(server?.args.at(-1), 'the prompt tool is served').toBe('mcp');
    expect(server?.env, 'no credential in the file: the server inherits the agent env').toBeUndefined();
    expect(server?.alwaysLoad, 'its tools are never deferred behind tool search').toBe(true);
    expect(spec.files.find((f) => f.path.endsWith('mcp.json'))?.mode).toBe(0o600);
  });

  it('interactive: the same server without the prompt tool (Claude Code draws its own dialog)', () => {
    for (const spec of [
      claudeCodeAdapter.launch(launchContext()),
      claudeCodeAdapter.resume(launchContext()),
    ]) {
      expect(spec.argv).toContain('--mcp-config');
      expect(spec.argv).not.toContain('--permission-prompt-tool');
      expect(mcpConfig(spec.files).mcpServers.flotilla?.args.slice(-2)).toEqual([
        'mcp',
        '--no-permission-prompt',
      ]);
    }
    const resumed = claudeCodeAdapter.resume(launchContext({ mode: 'headless' }));
    expect(resumed.argv).toContain('--permission-prompt-tool');
  });

  it('the settings allow exactly the agent tools, never the permission prompt tool', () => {
    for (const mode of ['interactive', 'headless'] as const) {
      const spec = claudeCodeAdapter.launch(launchContext({ mode }));
      const settings = JSON.parse(
        spec.files.find((f) => f.path.endsWith('settings.json'))?.content ?? '{}',
      ) as {
        permissions?: { allow?: string[] };
      };
      expect(settings.permissions?.allow).toEqual([...AGENT_TOOL_FQNS]);
      expect(settings.permissions?.allow).toContain('mcp__flotilla__ask_user');
      expect(
        settings.permissions?.allow?.some((r) => r.includes('permission_prompt') || r === 'mcp__flotilla'),
      ).toBe(false);
    }
  });
});
