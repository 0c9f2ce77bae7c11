import { describe, expect, it } from 'vitest';
import { claudeStatusFromHook } from '../../../src/agents/claude-code/hooks.js';
import { retryOnScreen } from '../../../src/agents/claude-code/run-result.js';
import { claudeFromStreamLine } from '../../../src/agents/claude-code/stream.js';
import type { StatusSignal } from '../../../src/agents/types.js';
import { claudeFixture } from './fixtures.js';

/**
 * How a run ended, read from real captures of Claude Code 2.1.197 and 2.1.332 against the
 * scripted model (scripts/capture-claude-errors.js; see test/fixtures/claude-code/README.md).
 */

const NOW = new Date('2026-12-07T14:20:00Z');
const lines = (name: string) =>
  claudeFixture(name)
    .split('\n')
    .filter((l) => l.trim() !== '');
/** Every status a stream capture gives, in order. */
const streamStatuses = (name: string): StatusSignal[] =>
  lines(name).flatMap((l) => {
    const s = claudeFromStreamLine(l, NOW)?.status;
    return s ? [s] : [];
  });
const lastHook = (name: string, event: string, mode: 'interactive' | 'headless') => {
  const payload = lines(name)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .findLast((p) => p.hook_event_name === event);
  if (!payload) throw new Error(`${name} has no ${event}`);
  return claudeStatusFromHook(payload, mode, NOW);
};

describe('Claude Code run ends, from real captures', () => {
  it('a 400 invalid_request_error is an api_error with its text (2.1.197 stream and StopFailure "unknown")', () => {
    const end = streamStatuses('stream-json.e400.2.1.197.jsonl').at(-1);
    expect(end?.runEnd).toEqual({
      outcome: 'api_error',
      reason: 'API Error: 400 messages.0.content: field required',
    });
    expect(end?.detail).toContain('API Error: 400 messages.0.content: field required');
    const hook = lastHook('hooks.e400.2.1.197.jsonl', 'StopFailure', 'headless');
    expect(hook?.runEnd?.outcome).toBe('api_error');
    // Interactive: the TUI waits at its prompt with the error shown.
    const tui = lastHook('hooks.e400.2.1.197.jsonl', 'StopFailure', 'interactive');
    expect(tui?.status).toBe('needs_input');
    expect(tui?.detail).toContain('API Error: 400');
  });

  it('a 429 Claude Code gave up on is rate_limited, never an error (stream, hook, both versions)', () => {
    for (const v of ['2.1.197', '2.1.332']) {
      const end = streamStatuses(`stream-json.e429-long.${v}.jsonl`).at(-1);
      expect(end?.status, v).toBe('rate_limited');
      expect(end?.runEnd?.outcome, v).toBe('rate_limited');
      expect(end?.runEnd?.reason, v).toBe('API Error: Request rejected (429) · Simulated error 429');
      for (const mode of ['headless', 'interactive'] as const) {
        const hook = lastHook(`hooks.e429-long.${v}.jsonl`, 'StopFailure', mode);
        expect(hook?.status, `${v} ${mode}`).toBe('rate_limited');
        expect(hook?.runEnd?.outcome, `${v} ${mode}`).toBe('rate_limited');
      }
    }
    expect(lastHook('hooks.tui-429-gave-up.2.1.197.jsonl', 'StopFailure', 'interactive')?.status).toBe(
      'rate_limited',
    );
  });

  it("Claude Code's own retries of 429 and 529 show as rate_limited, then the run finishes", () => {
    for (const [name, code] of [
      ['stream-json.e429-retried.2.1.197.jsonl', '429 rate_limit'],
      ['stream-json.e529-retried.2.1.197.jsonl', '529 overloaded'],
    ] as const) {
      const statuses = streamStatuses(name);
      const retries = statuses.filter((s) => s.status === 'rate_limited');
      expect(retries.map((s) => s.detail)).toEqual([
        expect.stringMatching(
          new RegExp(`^API error ${code}: Claude Code retries at .* \\(attempt 1/10\\)$`),
        ),
        expect.stringMatching(
          new RegExp(`^API error ${code}: Claude Code retries at .* \\(attempt 2/10\\)$`),
        ),
      ]);
      expect(retries.every((s) => s.runEnd === undefined && s.resumeAt === undefined)).toBe(true);
      expect(statuses.at(-1)?.runEnd?.outcome).toBe('success');
    }
  });

  it('a headless run whose Bash call was denied is not a success (both versions)', () => {
    for (const v of ['2.1.197', '2.1.332']) {
      const end = streamStatuses(`stream-json.denied.${v}.jsonl`).at(-1);
      expect(end?.runEnd?.outcome, v).toBe('denied');
      expect(end?.runEnd?.reason, v).toContain('1 tool call was denied (Bash: echo hi > denied.txt)');
    }
  });

  it('a clean run is a success', () => {
    const end = streamStatuses('stream-json.bash-commit.2.1.331.jsonl').at(-1);
    expect(end?.runEnd?.outcome).toBe('success');
  });

  it("reads the TUI's retry line", () => {
    const screen = claudeFixture('screen.tui-429-retrying.2.1.197.txt');
    const line = screen.split('\n').find((l) => /Retrying in/.test(l)) ?? '';
    expect(retryOnScreen(line)).toEqual({ inSeconds: 29, attempt: 1, max: 10 });
    expect(retryOnScreen('✻ Cogitated for 0s')).toBeNull();
  });
});
