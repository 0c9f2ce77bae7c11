import { describe, expect, it } from 'vitest';
import { payloadSummary, sinceTime } from '../../../src/cli/commands/events.js';
import { FlotillaError } from '../../../src/domain/errors.js';

/** `flotilla events --since` and the DETAILS column, as pure functions. */
describe('flotilla events helpers', () => {
  const now = Date.parse('2026-12-07T12:00:00.000Z');

  it('--since takes an age or a time, and refuses anything else with a hint', () => {
    expect(sinceTime('10m', now)).toBe('2026-12-07T11:50:00.000Z');
    expect(sinceTime('2h', now)).toBe('2026-12-07T10:00:00.000Z');
    expect(sinceTime('1d', now)).toBe('2026-12-06T12:00:00.000Z');
    expect(sinceTime('30s', now)).toBe('2026-12-07T11:59:30.000Z');
    expect(sinceTime('2026-12-07', now)).toBe('2026-12-07T00:00:00.000Z');
    expect(sinceTime('2026-12-07T09:30:00Z', now)).toBe('2026-12-07T09:30:00.000Z');
    let err: unknown;
    try {
      sinceTime('yesterday', now);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).code).toBe('INVALID_INPUT');
    expect((err as FlotillaError).hint).toContain('10m');
  });

  it('summarises a payload on one line: strings bare, the rest as JSON', () => {
    expect(payloadSummary({ from: 'todo', to: 'review' })).toBe('from=todo to=review');
    expect(payloadSummary({ restarts: 2, ok: true, tags: ['a'] })).toBe('restarts=2 ok=true tags=["a"]');
    expect(payloadSummary({})).toBe('');
  });
});
