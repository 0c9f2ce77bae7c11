import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geminiAdapter } from '../../../src/agents/gemini/index.js';
import { CONTINUE_PROMPT } from '../../../src/agents/prompt.js';
import type { DialogAnswer, ScreenPlan } from '../../../src/agents/screen-plan.js';
import { launchContext } from './fixtures.js';

const SCREENS = new URL('../../fixtures/gemini/screens-0.61.0/', import.meta.url);
const screen = (name: string) => readFileSync(new URL(`${name}.txt`, SCREENS), 'utf8');

const HINTS = { attach: 'flotilla attach a1', answer: 'flotilla approve a1' };
const answer = (decision: DialogAnswer['decision']): DialogAnswer => ({ decision });
const keysOf = (plan: ScreenPlan | null) =>
  plan?.steps.map((s) => ('key' in s.input ? s.input.key : `text:${s.input.text}`)) ?? null;

const SESSION = 'c0ffee00-1234-4abc-8def-0123456789ab';
const ctx = (o: Parameters<typeof launchContext>[0] = {}) =>
  launchContext({ sessionId: null, ...o, config: { adapter: 'gemini', command: 'gemini', ...o.config } });

describe('gemini launch and resume', () => {
  it('interactive: the prompt is the value of --prompt-interactive', () => {
    const spec = geminiAdapter.launch(ctx({ config: { permission_mode: 'acceptEdits' } }));
    expect(spec.argv).toEqual(['gemini', '--approval-mode', 'auto_edit', '--prompt-interactive']);
    expect(spec.promptVia).toBe('file-arg');
  });

  it('headless: stream-json and --prompt; yolo only for bypassPermissions', () => {
    const spec = geminiAdapter.launch(
      ctx({ mode: 'headless', config: { permission_mode: 'bypassPermissions' } }),
    );
    expect(spec.argv).toEqual([
      'gemini',
      '--approval-mode',
      'yolo',
      '--output-format',
      'stream-json',
      '--prompt',
    ]);
    expect(geminiAdapter.launch(ctx({ mode: 'headless' })).argv).not.toContain('yolo');
  });

  it('a prompt starting with "-" is not taken for a flag', () => {
    const spec = geminiAdapter.launch(ctx({ promptText: '- fix the bug\n- add a test' }));
    expect(spec.files[0]?.content.startsWith('-')).toBe(false);
    expect(spec.files[0]?.content).toContain('- fix the bug');
  });

  it('resume with the captured session id', () => {
    expect(geminiAdapter.resume(ctx({ sessionId: SESSION })).argv).toEqual(['gemini', '--resume', SESSION]);
    const headless = geminiAdapter.resume(ctx({ sessionId: SESSION, mode: 'headless' }));
    expect(headless.argv).toEqual([
      'gemini',
      '--resume',
      SESSION,
      '--output-format',
      'stream-json',
      '--prompt',
    ]);
    expect(headless.files[0]?.content).toBe(CONTINUE_PROMPT);
    expect(() => geminiAdapter.resume(ctx())).toThrow(/never captured/);
  });
});

describe('gemini signals', () => {
  const parse = (o: unknown) =>
    geminiAdapter.fromStreamLine?.(JSON.stringify(o), new Date('2026-11-24T10:00:00Z')) ?? null;

  it('stream-json events, snake or camel case', () => {
    expect(parse({ type: 'init', session_id: SESSION, model: 'gemini-2.5-pro' })?.sessionId).toBe(SESSION);
    expect(parse({ type: 'init', sessionId: SESSION })?.sessionId).toBe(SESSION);
    expect(
      parse({ type: 'tool_use', tool_name: 'run_shell_command', tool_id: 't1', parameters: {} })?.status
        ?.detail,
    ).toBe('run_shell_command');
    expect(
      parse({
        type: 'result',
        status: 'success',
        stats: { total_tokens: 300, input_tokens: 250, output_tokens: 50 },
      })?.usage,
    ).toEqual({
      inputTokens: 250,
      outputTokens: 50,
    });
    expect(
      parse({
        type: 'error',
        severity: 'error',
        message: 'Quota exceeded. Please retry in 1h2m3s.',
      })?.status?.resumeAt?.toISOString(),
    ).toBe('2026-11-24T11:02:03.000Z');
    expect(geminiAdapter.fromStreamLine?.('{oops')).toBeNull();
  });

  it('pane, on real 0.61.0 screens: idle, approval in its box, unsent text, refused, exited', () => {
    expect(geminiAdapter.fromPane(screen('01-start'))).toMatchObject({ status: 'idle' });
    expect(geminiAdapter.fromPane(screen('03-permission'))).toMatchObject({
      status: 'needs_permission',
      detail: 'Shell echo approved > approved.txt',
    });
    expect(geminiAdapter.fromPane(screen('04-done'))).toMatchObject({ status: 'idle' });
    expect(geminiAdapter.fromPane(screen('05-typed'))).toMatchObject({ status: 'needs_input' });
    expect(geminiAdapter.fromPane(screen('09-denied'))).toMatchObject({
      status: 'needs_input',
      detail: 'asks: what should Gemini do instead?',
    });
    expect(geminiAdapter.fromPane(screen('11-after-deny'))).toMatchObject({ status: 'idle' });
    expect(geminiAdapter.sessionIdFromPane?.(screen('13-exited'))).toBe(
      '0a3eb2e1-54fa-4061-a4b3-7369edc3d6bd',
    );
    // The docs' spinner line (not captured: the scripted model answers too fast).
    expect(
      geminiAdapter.fromPane('⠏ Reading files (esc to cancel, 5s)\n >   Type your message or @path/to/file\n')
        ?.status,
    ).toBe('working');
  });

  it('approve picks "Allow once", deny "No, suggest changes", one key at a time; "Allow for this session" is no one-time yes', () => {
    const dialog = screen('03-permission');
    const yes = geminiAdapter.answerDialog(dialog, answer('approve'), HINTS);
    expect(yes?.chosen).toBe('Allow once');
    expect(keysOf(yes)).toEqual(['Enter']);
    const no = geminiAdapter.answerDialog(dialog, answer('deny'), HINTS);
    expect(no?.chosen).toBe('No, suggest changes');
    expect(keysOf(no)).toEqual(['Down', 'Down', 'Enter']);
    const onNo = geminiAdapter.answerDialog(screen('08-down2'), answer('deny'), HINTS);
    expect(keysOf(onNo)).toEqual(['Enter']);
    expect(onNo?.steps[0]?.expect(screen('09-denied'), screen('08-down2'))).toBe(true);
    expect(geminiAdapter.answerDialog(screen('04-done'), answer('approve'), HINTS)).toBeNull();
  });

  it('launch passes the session id Flotilla chose; resumable', () => {
    const id = '0a3eb2e1-54fa-4061-a4b3-7369edc3d6bd';
    expect(geminiAdapter.resumable).toBe(true);
    expect(geminiAdapter.launch(ctx({ sessionId: id })).argv.slice(0, 3)).toEqual([
      'gemini',
      '--session-id',
      id,
    ]);
  });

  it('session id from the screen', () => {
    expect(geminiAdapter.sessionIdFromPane?.(`Session ID: ${SESSION}`)).toBe(SESSION);
  });
});
