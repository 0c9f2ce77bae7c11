import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codexAdapter } from '../../../src/agents/codex/index.js';
import { CONTINUE_PROMPT } from '../../../src/agents/prompt.js';
import type { DialogAnswer, ScreenPlan } from '../../../src/agents/screen-plan.js';
import { launchContext } from './fixtures.js';

const SCREENS = new URL('../../fixtures/codex/screens-0.171.0/', import.meta.url);
const screen = (name: string) => readFileSync(new URL(`${name}.txt`, SCREENS), 'utf8');

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
    expect(spec.argv).toEqual([
      'codex',
      '--no-alt-screen',
      '--no-daemon',
      '--sandbox',
      'workspace-write',
      '--ask-for-approval',
      'on-request',
      '-m',
      'o4',
      '--',
    ]);
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

  it('plan mode is read-only; headless runs get a sandbox and no approval policy (exec never asks)', () => {
    expect(codexAdapter.launch(ctx({ config: { permission_mode: 'plan' } })).argv).toEqual([
      'codex',
      '--no-alt-screen',
      '--no-daemon',
      '--sandbox',
      'read-only',
      '--ask-for-approval',
      'on-request',
      '--',
    ]);
    expect(codexAdapter.launch(ctx({ mode: 'headless' })).argv).toEqual([
      'codex',
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      '--',
    ]);
  });

  it('resume with the captured thread id', () => {
    const interactive = codexAdapter.resume(ctx({ sessionId: THREAD }));
    expect(interactive.argv).toEqual([
      'codex',
      'resume',
      '--no-alt-screen',
      '--no-daemon',
      '--sandbox',
      'workspace-write',
      '--ask-for-approval',
      'on-request',
      '--',
      THREAD,
    ]);
    expect(interactive.promptVia).toBe('none');
    const headless = codexAdapter.resume(ctx({ sessionId: THREAD, mode: 'headless' }));
    expect(headless.argv).toEqual([
      'codex',
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      'resume',
      '--',
      THREAD,
    ]);
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

  it('pane, on real 0.171.0 screens: idle, working, approval, refused, exited', () => {
    expect(codexAdapter.fromPane(screen('01-start'))).toMatchObject({ status: 'idle' });
    expect(codexAdapter.fromPane(screen('02-working'))).toMatchObject({ status: 'working' });
    expect(codexAdapter.fromPane(screen('03-permission'))).toMatchObject({
      status: 'needs_permission',
      detail: '$ echo approved > approved.txt',
    });
    expect(codexAdapter.fromPane(screen('04-done'))).toMatchObject({ status: 'idle' });
    expect(codexAdapter.fromPane(screen('09-denied'))).toMatchObject({
      status: 'needs_input',
      detail: 'asks: what should Codex do instead?',
    });
    expect(codexAdapter.fromPane(screen('11-after-deny'))).toMatchObject({ status: 'idle' });
    expect(codexAdapter.sessionIdFromPane?.(screen('13-exited'))).toBe(
      '01a25100-9dc5-7833-be6c-363881b066e8',
    );
  });

  it('approve picks "Yes, proceed", --always the "don\'t ask again" option, deny "No, and tell Codex…", one key at a time', () => {
    const dialog = screen('06-permission2');
    expect(keysOf(codexAdapter.answerDialog(dialog, answer('approve'), HINTS))).toEqual(['Enter']);
    expect(keysOf(codexAdapter.answerDialog(dialog, { decision: 'approve', always: true }, HINTS))).toEqual([
      'Down',
      'Enter',
    ]);
    const deny = codexAdapter.answerDialog(dialog, answer('deny'), HINTS);
    expect(deny?.chosen).toBe('No, and tell Codex what to do differently');
    expect(keysOf(deny)).toEqual(['Down', 'Down', 'Enter']);
    // The cursor on "No" (as captured after two Downs): Enter alone, and the dialog gone after it.
    const onNo = codexAdapter.answerDialog(screen('08-down2'), answer('deny'), HINTS);
    expect(keysOf(onNo)).toEqual(['Enter']);
    expect(onNo?.steps[0]?.expect(screen('09-denied'), screen('08-down2'))).toBe(true);
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
