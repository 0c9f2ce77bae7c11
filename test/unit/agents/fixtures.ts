import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentEntryConfig, LaunchContext } from '../../../src/agents/types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/claude-code');

/** A captured Claude Code screen or log from test/fixtures/claude-code/. */
export function claudeFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** The captured hook payloads, by event name (stdin of each hook). */
export function claudeHookPayloads(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const line of claudeFixture('hooks.tui.2.1.331.jsonl').split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { hook: string; stdin: Record<string, unknown> };
    out.set(entry.hook, entry.stdin);
  }
  return out;
}

/** A LaunchContext with plausible values; override what a test is about. */
export function launchContext(
  overrides: Omit<Partial<LaunchContext>, 'config'> & { config?: Partial<AgentEntryConfig> } = {},
): LaunchContext {
  return {
    agentId: 'ag_123',
    task: { id: 'tk_1', title: 'Add a greeting', prompt: 'Write hello.txt' },
    promptText: 'Write hello.txt\n\nCommit it.\n',
    worktreePath: '/work/wt/tk_1',
    mode: 'interactive',
    sessionId: '14379813-7a5a-4b5d-ab5e-03581b934be9',
    agentDir: '/state/agents/ag_123',
    hookArgv: ['/usr/bin/node', '/opt/flotilla/dist/cli/main.js', 'hook'],
    home: '/home/dev',
    ...overrides,
    config: {
      adapter: 'claude-code',
      command: 'claude',
      args: [],
      env: {},
      mode: 'interactive',
      permission_mode: 'default',
      skip_first_run_dialogs: true,
      auto_commit: true,
      ...overrides.config,
    },
  };
}

/** The words a POSIX shell would make of a string built only from single-quoted words. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  const re = /\s*((?:'[^']*'|\\')+)/y;
  let m = re.exec(command);
  while (m !== null) {
    words.push((m[1] ?? '').replace(/'([^']*)'|\\'/g, (_all, inner: string | undefined) => inner ?? "'"));
    m = re.exec(command);
  }
  return words;
}
