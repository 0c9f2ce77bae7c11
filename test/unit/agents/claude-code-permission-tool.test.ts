import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/agents/claude-code/index.js';
import { launchContext } from './fixtures.js';

describe('claude-code headless launch: the permission prompt tool', () => {
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
    const file = spec.files.find((f) => f.path === '/state/agents/ag_123/mcp.json');
    const config = JSON.parse(file?.content ?? '{}') as {
      mcpServers: Record<string, { command: string; args: string[]; env?: unknown }>;
    };
    const server = config.mcpServers.flotilla;
    expect(server?.args.at(-1)).toBe('mcp');
    expect(server?.env, 'no credential in the file: the server inherits the agent env').toBeUndefined();
    expect(file?.mode).toBe(0o600);
  });

  it('resume keeps it; interactive agents have none', () => {
    const resumed = claudeCodeAdapter.resume(launchContext({ mode: 'headless' }));
    expect(resumed.argv).toContain('--permission-prompt-tool');
    const interactive = claudeCodeAdapter.launch(launchContext());
    expect(interactive.argv).not.toContain('--permission-prompt-tool');
    expect(interactive.files.some((f) => f.path.endsWith('mcp.json'))).toBe(false);
  });
});
