import { describe, expect, it } from 'vitest';
import { aiderAdapter } from '../../../src/agents/aider/index.js';
import { CONTINUE_PROMPT } from '../../../src/agents/prompt.js';
import type { DialogAnswer, ScreenPlan } from '../../../src/agents/screen-plan.js';
import { launchContext } from './fixtures.js';

const HINTS = { attach: 'flotilla attach a1', answer: 'flotilla approve a1' };
const answer = (decision: DialogAnswer['decision']): DialogAnswer => ({ decision });
const keysOf = (plan: ScreenPlan | null) =>
  plan?.steps.map((s) => ('key' in s.input ? s.input.key : `text:${s.input.text}`)) ?? null;

const ctx = (o: Parameters<typeof launchContext>[0] = {}) =>
  launchContext({ ...o, config: { adapter: 'aider', command: 'aider', ...o.config } });
const BASE = [
  'aider',
  '--chat-history-file',
  '/state/agents/ag_123/aider.chat.history.md',
  '--input-history-file',
  '/state/agents/ag_123/aider.input.history',
  '--no-gitignore',
];

describe('aider launch and resume', () => {
  it('interactive: history in the agent dir, the prompt typed once ready', () => {
    const spec = aiderAdapter.launch(ctx());
    expect(spec.argv).toEqual([...BASE, '--no-check-update', '--no-show-release-notes']);
    expect(spec.promptVia).toBe('send-keys');
    expect(spec.files[0]?.content).toBe('{flotilla\nWrite hello.txt\n\nCommit it.\nflotilla}');
  });

  it('a one-line prompt is typed as is', () => {
    expect(aiderAdapter.launch(ctx({ promptText: 'Fix it.' })).files[0]?.content).toBe('Fix it.');
  });

  it('--yes-always only for bypassPermissions; --no-auto-commits when auto_commit is off', () => {
    const strict = aiderAdapter.launch(
      ctx({ config: { auto_commit: false, skip_first_run_dialogs: false } }),
    ).argv;
    expect(strict).toEqual([...BASE, '--no-auto-commits']);
    expect(aiderAdapter.launch(ctx({ config: { permission_mode: 'acceptEdits' } })).argv).not.toContain(
      '--yes-always',
    );
    expect(aiderAdapter.launch(ctx({ config: { permission_mode: 'bypassPermissions' } })).argv).toContain(
      '--yes-always',
    );
  });

  it('headless: --message-file with the prompt file', () => {
    const spec = aiderAdapter.launch(ctx({ mode: 'headless', config: { skip_first_run_dialogs: false } }));
    expect(spec.argv).toEqual([...BASE, '--no-pretty', '--message-file', '/state/agents/ag_123/prompt.txt']);
    expect(spec.promptVia).toBe('none');
  });

  it("resume restores this agent's own chat history", () => {
    const spec = aiderAdapter.resume(ctx({ config: { skip_first_run_dialogs: false } }));
    expect(spec.argv).toEqual([...BASE, '--restore-chat-history']);
    expect(spec.promptVia).toBe('none');
    const headless = aiderAdapter.resume(
      ctx({ mode: 'headless', config: { skip_first_run_dialogs: false } }),
    );
    expect(headless.files[0]?.content).toBe(CONTINUE_PROMPT);
  });
});

describe('aider signals', () => {
  it('pane: question, prompt, output', () => {
    const q = "Add src/app.py to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: ";
    expect(aiderAdapter.fromPane(`some text\n${q}\n`)).toMatchObject({ status: 'needs_permission' });
    expect(keysOf(aiderAdapter.answerDialog(`${q}\n`, answer('approve'), HINTS))).toEqual(['y', 'Enter']);
    expect(keysOf(aiderAdapter.answerDialog(`${q}\n`, answer('deny'), HINTS))).toEqual(['n', 'Enter']);
    expect(aiderAdapter.fromPane('Tokens: 2k sent\n────\narchitect> \n')?.status).toBe('needs_input');
    expect(aiderAdapter.fromPane('────\n> \n')?.status).toBe('needs_input');
    expect(aiderAdapter.fromPane('Here is the change:\n```python\n')?.status).toBe('working');
    expect(keysOf(aiderAdapter.answerDialog('> \n', answer('approve'), HINTS))).toBeNull();
    expect(aiderAdapter.fromPane('\n\n')).toBeNull();
  });

  it('usage from the Tokens line', () => {
    const line =
      'Tokens: 12k sent, 2.5k cache write, 1,024 cache hit, 1.2k received. Cost: $0.05 message, $0.20 session.';
    expect(aiderAdapter.fromStreamLine?.(line)?.usage).toEqual({
      inputTokens: 12000,
      outputTokens: 1200,
      cacheWriteTokens: 2500,
      cacheReadTokens: 1024,
      costUsd: 0.05,
    });
    expect(aiderAdapter.fromStreamLine?.('hello')).toBeNull();
  });

  it('rate limits with a retry time', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(
      aiderAdapter.detectUsageLimit('litellm.RateLimitError: … Please try again in 20s.', now)?.toISOString(),
    ).toBe('2026-11-24T10:00:20.000Z');
    expect(aiderAdapter.detectUsageLimit('all good', now)).toBeNull();
  });
});
