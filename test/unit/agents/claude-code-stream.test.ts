import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/agents/claude-code/index.js';
import { claudeFixture } from './fixtures.js';

const parse = (line: string, now?: Date) => claudeCodeAdapter.fromStreamLine?.(line, now) ?? null;

describe('claude-code fromStreamLine on captured runs (2.1.331)', () => {
  for (const name of ['stream-json.bash-commit.2.1.331.jsonl', 'stream-json.write-hello.2.1.331.jsonl']) {
    it(`reads ${name}: session id first, usage and cost last`, () => {
      const lines = claudeFixture(name)
        .split('\n')
        .filter((l) => l.trim() !== '');
      const infos = lines.map((l) => parse(l));
      expect(infos[0]?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(infos.every((i) => i?.status?.status === 'working')).toBe(true);
      const last = infos.at(-1);
      expect(last?.usage?.inputTokens).toBeGreaterThan(0);
      expect(last?.usage?.outputTokens).toBeGreaterThan(0);
      expect(last?.usage?.costUsd).toBeGreaterThan(0);
      expect(last?.usage?.cacheReadTokens).toBe(0);
      expect(last?.status?.detail).toBe('run finished (2 turns)');
    });
  }

  it('exact figures of the bash-commit run', () => {
    const result = claudeFixture('stream-json.bash-commit.2.1.331.jsonl').trim().split('\n').at(-1) ?? '';
    expect(parse(result)?.usage).toEqual({
      inputTokens: 5742,
      outputTokens: 67,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0.024308,
    });
    const toolUse = claudeFixture('stream-json.bash-commit.2.1.331.jsonl').split('\n')[1] ?? '';
    expect(parse(toolUse)?.status?.detail).toMatch(/^Bash: echo one > a.txt && git add -A/);
  });
});

describe('claude-code fromStreamLine on other lines', () => {
  it('api_retry of a 429 → rate_limited while Claude Code retries, with the retry time and attempt', () => {
    const line = JSON.stringify({
      type: 'system',
      subtype: 'api_retry',
      attempt: 3,
      max_retries: 10,
      retry_delay_ms: 2490.8,
      error_status: 429,
      error: 'rate_limit',
    });
    const s = parse(line, new Date('2026-11-24T10:00:00Z'))?.status;
    expect(s?.status).toBe('rate_limited');
    expect(s?.detail).toBe(
      'API error 429 rate_limit: Claude Code retries at 2026-11-24T10:00:02.490Z (attempt 3/10)',
    );
    // No Flotilla resume: Claude Code retries by itself, and the next line overrides this.
    expect(s?.resumeAt).toBeUndefined();
    expect(s?.runEnd).toBeUndefined();
  });

  it('a failed run with a usage-limit message carries resumeAt', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    const line = JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: true,
      terminal_reason: 'api_error',
      api_error_status: 429,
      result: 'Claude usage limit reached. Your limit will reset at 3pm (Europe/Berlin).',
      usage: { input_tokens: 10, output_tokens: 0 },
      total_cost_usd: 0,
    });
    const info = parse(line, now);
    expect(info?.status?.status).toBe('rate_limited');
    expect(info?.status?.detail).toMatch(/^run failed: Claude usage limit reached/);
    expect(info?.status?.resumeAt?.toISOString()).toBe('2026-11-24T14:00:00.000Z');
    expect(info?.usage).toEqual({ inputTokens: 10, outputTokens: 0, costUsd: 0 });
  });

  it('permission denials are spelled out, not silent', () => {
    const line = JSON.stringify({
      type: 'result',
      is_error: false,
      num_turns: 3,
      permission_denials: [{ tool_name: 'Bash' }, { tool_name: 'Write' }, { tool_name: 'Bash' }],
      usage: {},
    });
    const s = parse(line)?.status;
    expect(s?.detail).toContain('3 tool calls were denied (Bash; Write)');
    expect(s?.detail).toContain('agents.<name>.permissions');
    expect(s?.runEnd?.outcome).toBe('denied');
  });

  it('malformed, blank and unknown lines → null', () => {
    for (const line of [
      '',
      '   ',
      'not json',
      '{"type":',
      '[1,2]',
      '"string"',
      '{"type":"stream_event"}',
      '{"type":"system","subtype":"hook_started"}',
    ]) {
      expect(parse(line), line).toBeNull();
    }
  });

  it('wrong field types read as absent', () => {
    const info = parse(
      JSON.stringify({ type: 'result', usage: 'lots', total_cost_usd: '1.0', session_id: 5 }),
    );
    expect(info?.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(info?.sessionId).toBeUndefined();
    expect(parse(JSON.stringify({ type: 'assistant', message: { content: 'text' } }))?.status?.detail).toBe(
      'writing',
    );
  });
});
