import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/agents/claude-code/index.js';
import { claudeFixture, claudeHookPayloads } from './fixtures.js';

const fromHook = (
  payload: Record<string, unknown>,
  mode: 'interactive' | 'headless' = 'interactive',
  now?: Date,
) => claudeCodeAdapter.fromHook?.(payload, mode, now) ?? null;

describe('claude-code fromHook on captured payloads (2.1.331)', () => {
  const payloads = claudeHookPayloads();
  const get = (event: string) => {
    const p = payloads.get(event);
    if (p === undefined) throw new Error(`fixture has no ${event} payload`);
    return p;
  };

  it('maps the captured interactive sequence', () => {
    // The initial prompt is submitted at once: no false "waiting for you" at start-up.
    expect(fromHook(get('SessionStart'))).toBeNull();
    // Resumed: its move is the user's, but it asked nothing.
    expect(fromHook({ ...get('SessionStart'), source: 'resume' })).toMatchObject({
      status: 'idle',
      source: 'hook',
      detail: 'session resume',
    });
    expect(fromHook(get('UserPromptSubmit'))).toMatchObject({
      status: 'working',
      detail: 'prompt: commit everything',
    });
    expect(fromHook(get('PreToolUse'))).toMatchObject({
      status: 'working',
      detail: "Bash: git add -A && git commit -q -m 'tui commit' && git log --oneline -1",
    });
    expect(fromHook(get('Notification'))).toMatchObject({
      status: 'needs_permission',
      detail: 'Claude needs your permission',
    });
    expect(fromHook(get('PostToolUse'))?.status).toBe('working');
    // "Committed." ends a finished turn: idle (finished), not "waiting for you"; the message is kept.
    expect(fromHook(get('Stop'))).toMatchObject({
      status: 'idle',
      detail: 'finished its turn',
      lastMessage: 'Committed.',
    });
    expect(
      fromHook({ ...get('Stop'), last_assistant_message: 'Should the docs go in README.md or docs/?' }),
    ).toMatchObject({ status: 'needs_input', detail: 'asks: Should the docs go in README.md or docs/?' });
    expect(fromHook(get('SessionEnd'))).toBeNull();
  });

  it('headless: SessionStart and Stop keep working (exit comes from liveness)', () => {
    expect(fromHook(get('SessionStart'), 'headless')?.status).toBe('working');
    expect(fromHook(get('Stop'), 'headless')?.status).toBe('working');
    expect(fromHook(get('Notification'), 'headless')).toBeNull();
  });
});

describe('claude-code fromHook on other payloads', () => {
  const base = { session_id: 's', transcript_path: '/t', cwd: '/w' };

  it('PermissionRequest → needs_permission with tool and command', () => {
    const s = fromHook({
      ...base,
      hook_event_name: 'PermissionRequest',
      tool_name: 'Bash',
      tool_input: { command: 'npm   publish\n--force', description: 'Publish' },
      permission_suggestions: [],
    });
    expect(s).toEqual({
      status: 'needs_permission',
      source: 'hook',
      detail: 'Bash: npm publish --force',
      permission: {
        tool: 'Bash',
        subject: 'npm   publish\n--force',
        diff: null,
        input: { command: 'npm   publish\n--force', description: 'Publish' },
      },
    });
    const edit = fromHook({
      ...base,
      hook_event_name: 'PermissionRequest',
      tool_name: 'Edit',
      tool_input: { file_path: '/w/a.txt', old_string: 'one\ntwo', new_string: 'one\n2' },
    });
    expect(edit?.permission?.diff).toBe('--- /w/a.txt\n+++ /w/a.txt\n@@\n-one\n-two\n+one\n+2');
    expect(
      fromHook({
        ...base,
        hook_event_name: 'PermissionRequest',
        tool_name: 'Write',
        tool_input: { file_path: '/w/a.txt' },
      })?.detail,
    ).toBe('Write: /w/a.txt');
  });

  it('PermissionRequest in headless mode is not a dialog anyone can answer', () => {
    expect(
      fromHook(
        { ...base, hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: {} },
        'headless',
      )?.status,
    ).toBe('working');
  });

  it('AskUserQuestion is the agent asking: needs_input with the question', () => {
    const s = fromHook({
      ...base,
      hook_event_name: 'PreToolUse',
      tool_name: 'AskUserQuestion',
      tool_input: {
        questions: [{ question: 'Which database?', header: 'DB', options: [], multiSelect: false }],
      },
    });
    expect(s).toMatchObject({ status: 'needs_input', detail: 'asks: Which database?' });
  });

  it('long commands are cut to one short line', () => {
    const s = fromHook({
      ...base,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'x'.repeat(500) },
    });
    expect(s?.detail?.length).toBeLessThanOrEqual(120);
    expect(s?.detail?.endsWith('…')).toBe(true);
  });

  it('Notification idle_prompt (60 s after any turn) changes nothing; other notification types → null', () => {
    expect(
      fromHook({
        ...base,
        hook_event_name: 'Notification',
        notification_type: 'idle_prompt',
        message: 'Claude is waiting for your input',
      }),
    ).toBeNull();
    expect(
      fromHook({
        ...base,
        hook_event_name: 'Notification',
        notification_type: 'auth_success',
        message: 'ok',
      }),
    ).toBeNull();
  });

  it('StopFailure rate_limit carries resumeAt when the text has a reset time', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    const s = fromHook(
      {
        ...base,
        hook_event_name: 'StopFailure',
        error: 'rate_limit',
        last_assistant_message: "You've hit your session limit · resets 4pm (UTC)",
      },
      'interactive',
      now,
    );
    expect(s?.status).toBe('rate_limited');
    expect(s?.detail).toContain('rate_limit');
    expect(s?.resumeAt?.toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(s?.runEnd?.outcome).toBe('rate_limited');
  });

  it('StopFailure without a reset time has no resumeAt', () => {
    const s = fromHook({
      ...base,
      hook_event_name: 'StopFailure',
      error: 'rate_limit',
      error_details: 'API Error: Request rejected (429)',
    });
    // Gave up on a limit with no reset: still a limit (Flotilla resumes after a capped backoff).
    expect(s?.status).toBe('rate_limited');
    expect(s?.resumeAt).toBeUndefined();
    expect(
      fromHook({ ...base, hook_event_name: 'StopFailure', error: 'overloaded' }, 'headless')?.status,
    ).toBe('rate_limited');
  });

  it('unknown events and malformed payloads → null, never a throw', () => {
    expect(fromHook({ ...base, hook_event_name: 'PreCompact' })).toBeNull();
    expect(fromHook({})).toBeNull();
    expect(fromHook({ hook_event_name: 42 })).toBeNull();
    expect(
      fromHook({ hook_event_name: 'PreToolUse', tool_name: 7, tool_input: 'not an object' }),
    ).toMatchObject({
      status: 'working',
      detail: 'tool',
    });
    expect(
      fromHook({ hook_event_name: 'StopFailure', error: ['x'], last_assistant_message: null })?.status,
    ).toBe('needs_input');
  });
});

describe('claude-code fromHook on the sim capture of a 400', () => {
  it('StopFailure invalid_request → needs_input with the error, no resumeAt', () => {
    const line = claudeFixture('sim-hooks.api-error-400.jsonl')
      .split('\n')
      .find((l) => l.includes('"StopFailure"'));
    const payload = (JSON.parse(line ?? '{}') as { stdin: Record<string, unknown> }).stdin;
    const s = fromHook(payload);
    expect(s?.status).toBe('needs_input');
    expect(s?.detail).toMatch(/^turn failed \(invalid_request\): 400 /);
    expect(s?.resumeAt).toBeUndefined();
  });
});
