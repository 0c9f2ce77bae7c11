import { describe, expect, it } from 'vitest';
import { codexAdapter } from '../../../src/agents/codex/index.js';
import { CONTINUE_PROMPT } from '../../../src/agents/prompt.js';
import type { DialogAnswer, ScreenPlan } from '../../../src/agents/screen-plan.js';
import { launchContext } from './fixtures.js';

const HINTS = { attach: 'flotilla attach a1', answer: 'flotilla approve a1' };
const answer = (decision: DialogAnswer['decision']): DialogAnswer => ({ decision });
const keysOf = (plan: ScreenPlan | null) =>
  plan?.steps.map((s) => ('key' in s.input ? s.input.key : `text:${s.input.text}`)) ?? null;

const THREAD = '0199a213-81c0-7800-8aa1-bbab2a035a53';
const ctx = (o: Parameters<typeof launchContext>[0] = {}) =>
  launchContext({ sessionId: null, ...o, config: { adapter: 'codex', command: 'codex', ...o.config } });

describe('codex launch and resume', () => {
  it('interactive: codex [perm] [args] -- <prompt from file>', () => {
    const spec = codexAdapter.launch(ctx({ config: { permission_mode: 'acceptEdits', args: ['-m', 'o4'] } }));
    expect(spec.argv).toEqual(['codex', '--full-auto', '-m', 'o4', '--']);
    expect(spec.promptVia).toBe('file-arg');
    expect(spec.files[0]?.content).toBe('Write hello.txt\n\nCommit it.\n');
  });

  it('headless: codex exec --json', () => {
    const spec = codexAdapter.launch(
      ctx({ mode: 'headless', config: { permission_mode: 'bypassPermissions' } }),
    );
    expect(spec.argv).toEqual([
      'codex',
      'exec',
      '--json',
      '--dangerously-bypass-approvals-and-sandbox',
      '--',
    ]);
  });

  it('plan mode is read-only; default adds nothing', () => {
    expect(codexAdapter.launch(ctx({ config: { permission_mode: 'plan' } })).argv).toEqual([
      'codex',
      '--sandbox',
      'read-only',
      '--',
    ]);
    expect(codexAdapter.launch(ctx()).argv).toEqual(['codex', '--']);
  });

  it('resume with the captured thread id', () => {
    const interactive = codexAdapter.resume(ctx({ sessionId: THREAD }));
    expect(interactive.argv).toEqual(['codex', 'resume', '--', THREAD]);
    expect(interactive.promptVia).toBe('none');
    const headless = codexAdapter.resume(ctx({ sessionId: THREAD, mode: 'headless' }));
    expect(headless.argv).toEqual(['codex', 'exec', '--json', 'resume', '--', THREAD]);
    expect(headless.files[0]?.content).toBe(CONTINUE_PROMPT);
  });

  it('cannot resume before the id is known, and says so', () => {
    expect(codexAdapter.resumable).toBe(false);
    expect(() => codexAdapter.resume(ctx())).toThrow(/session id was never captured/);
  });
});

describe('codex signals', () => {
  const parse = (o: unknown) =>
    codexAdapter.fromStreamLine?.(JSON.stringify(o), new Date('2026-11-24T10:00:00Z')) ?? null;

  it('exec --json events', () => {
    expect(parse({ type: 'thread.started', thread_id: THREAD })?.sessionId).toBe(THREAD);
    expect(
      parse({ type: 'item.started', item: { id: 'i', type: 'command_execution', command: 'ls -la' } })?.status
        ?.detail,
    ).toBe('$ ls -la');
    expect(
      parse({
        type: 'turn.completed',
        usage: { input_tokens: 24763, cached_input_tokens: 24448, output_tokens: 122 },
      })?.usage,
    ).toEqual({
      inputTokens: 24763,
      outputTokens: 122,
      cacheReadTokens: 24448,
    });
    const failed = parse({
      type: 'turn.failed',
      error: { message: "You've hit your usage limit. Try again in 2 hours 5 minutes." },
    });
    expect(failed?.status?.resumeAt?.toISOString()).toBe('2026-11-24T12:05:00.000Z');
    expect(codexAdapter.fromStreamLine?.('garbage')).toBeNull();
    expect(parse({ type: 'something.new' })).toBeNull();
  });

  it('pane: approval overlay, working, composer', () => {
    const approval =
      "Would you like to run the following command?\n\n  $ git push\n\n› 1. Yes, proceed (y)\n  2. Yes, and don't ask again for this command (a)\n  3. No, and tell Codex what to do differently (esc)\n";
    expect(codexAdapter.fromPane(approval)?.status).toBe('needs_permission');
    expect(keysOf(codexAdapter.answerDialog(approval, answer('approve'), HINTS))).toEqual(['Enter']);
    expect(keysOf(codexAdapter.answerDialog(approval, answer('deny'), HINTS))).toEqual([
      'Down',
      'Down',
      'Enter',
    ]);
    expect(
      codexAdapter.fromPane('• Working (12s • esc to interrupt)\n\n› Ask Codex to do anything\n')?.status,
    ).toBe('working');
    expect(
      codexAdapter.fromPane('› Ask Codex to do anything\n\n  ⏎ send   ⌃J newline   ⌃T transcript\n')?.status,
    ).toBe('needs_input');
    expect(codexAdapter.fromPane('')).toBeNull();
  });

  it('session id from the exit message', () => {
    expect(
      codexAdapter.sessionIdFromPane?.(
        `Token usage: 1k\nTo continue this session, run codex resume ${THREAD}\n`,
      ),
    ).toBe(THREAD);
    expect(codexAdapter.sessionIdFromPane?.('nothing here')).toBeNull();
  });
});
