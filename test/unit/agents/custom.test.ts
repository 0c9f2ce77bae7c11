import { describe, expect, it } from 'vitest';
import { createCustomAdapter } from '../../../src/agents/custom/index.js';
import type { DialogAnswer, ScreenPlan } from '../../../src/agents/screen-plan.js';
import type { AgentEntryConfig } from '../../../src/agents/types.js';
import { launchContext } from './fixtures.js';

const HINTS = { attach: 'flotilla attach a1', answer: 'flotilla approve a1' };
const answer = (decision: DialogAnswer['decision']): DialogAnswer => ({ decision });
const keysOf = (plan: ScreenPlan | null) =>
  plan?.steps.map((s) => ('key' in s.input ? s.input.key : `text:${s.input.text}`)) ?? null;

const ctx = (config: Partial<AgentEntryConfig> = {}) =>
  launchContext({ sessionId: null, config: { adapter: 'custom', command: 'my-agent', ...config } });

describe('custom adapter', () => {
  const adapter = createCustomAdapter();

  it('prompt as the last argument by default', () => {
    const spec = adapter.launch(ctx({ args: ['--fast'] }));
    expect(spec.argv).toEqual(['my-agent', '--fast']);
    expect(spec.promptVia).toBe('file-arg');
    expect(spec.promptFile).toBe('/state/agents/ag_123/prompt.txt');
  });

  it('{prompt_file} in args is replaced by the prompt file path', () => {
    const spec = adapter.launch(ctx({ args: ['--task-file={prompt_file}'] }));
    expect(spec.argv).toEqual(['my-agent', '--task-file=/state/agents/ag_123/prompt.txt']);
    expect(spec.promptVia).toBe('none');
    expect(spec.files[0]?.content).toBe('Write hello.txt\n\nCommit it.\n');
  });

  it('prompt_via stdin / send-keys / none', () => {
    expect(adapter.launch(ctx({ prompt_via: 'stdin' })).promptVia).toBe('stdin');
    expect(adapter.launch(ctx({ prompt_via: 'send-keys' })).promptVia).toBe('send-keys');
    expect(adapter.launch(ctx({ prompt_via: 'none' })).promptFile).toBeUndefined();
  });

  it('restart runs the command again (nothing to resume)', () => {
    expect(adapter.resumable).toBe(false);
    expect(adapter.resume(ctx()).argv).toEqual(adapter.launch(ctx()).argv);
  });

  it('liveness only without patterns; configured regexes otherwise; bad ones skipped', () => {
    expect(adapter.fromPane('anything')).toBeNull();
    const withPatterns = createCustomAdapter({
      pane_patterns: { working: ['^Running'], needs_input: ['^\\$$', '('], needs_permission: ['\\[y/N\\]'] },
    });
    expect(withPatterns.fromPane('Running step 3\n')).toMatchObject({
      status: 'working',
      detail: 'Running step 3',
    });
    expect(withPatterns.fromPane('done\n$ \n')?.status).toBe('needs_input');
    expect(withPatterns.fromPane('Delete? [y/N]\n')?.status).toBe('needs_permission');
    expect(withPatterns.fromPane('nothing known\n')).toBeNull();
    expect(keysOf(withPatterns.answerDialog('Delete? [y/N]', answer('approve'), HINTS))).toBeNull();
  });
});
