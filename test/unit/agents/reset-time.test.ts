import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResetClause } from '../../../src/agents/reset-time.js';

const at = (clause: string, now: string) => parseResetClause(clause, new Date(now))?.toISOString() ?? null;

describe('parseResetClause', () => {
  // Local time is whatever TZ says; pin it so "no time zone" has a known meaning here.
  const savedTz = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'America/New_York';
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('a clock time later today', () => {
    expect(at('3pm (Europe/Berlin)', '2026-11-24T10:00:00Z')).toBe('2026-11-24T14:00:00.000Z');
    expect(at('11pm (UTC)', '2026-11-24T10:00:00Z')).toBe('2026-11-24T23:00:00.000Z');
    expect(at('4:30pm (UTC)', '2026-11-24T10:00:00Z')).toBe('2026-11-24T16:30:00.000Z');
  });

  it('a clock time already past today means tomorrow', () => {
    expect(at('3pm (Europe/Berlin)', '2026-11-24T15:00:00Z')).toBe('2026-11-25T14:00:00.000Z');
    expect(at('3pm (Europe/Berlin)', '2026-11-24T14:00:00Z')).toBe('2026-11-25T14:00:00.000Z');
  });

  it('12am is midnight and 12pm is noon', () => {
    expect(at('12am (UTC)', '2026-11-24T10:00:00Z')).toBe('2026-11-25T00:00:00.000Z');
    expect(at('12pm (UTC)', '2026-11-24T10:00:00Z')).toBe('2026-11-24T12:00:00.000Z');
    expect(at('12:30 AM UTC', '2026-11-24T00:10:00Z')).toBe('2026-11-24T00:30:00.000Z');
  });

  it('24-hour clocks and abbreviations', () => {
    expect(at('15:00 UTC', '2026-11-24T10:00:00Z')).toBe('2026-11-24T15:00:00.000Z');
    expect(at('at 09:05 (Asia/Tokyo)', '2026-11-24T10:00:00Z')).toBe('2026-11-25T00:05:00.000Z');
    expect(at('4:58 PM PST', '2026-11-24T10:00:00Z')).toBe('2026-11-25T00:58:00.000Z');
    expect(at('3 p.m. GMT', '2026-11-24T10:00:00Z')).toBe('2026-11-24T15:00:00.000Z');
  });

  it('a missing or unknown time zone means local time', () => {
    // TZ=America/New_York: 10:00Z is 05:00 local, so 4am local is tomorrow 09:00Z.
    expect(at('4am', '2026-11-24T10:00:00Z')).toBe('2026-11-25T09:00:00.000Z');
    expect(at('6am', '2026-11-24T10:00:00Z')).toBe('2026-11-24T11:00:00.000Z');
    expect(at('6am (Not/AZone)', '2026-11-24T10:00:00Z')).toBe('2026-11-24T11:00:00.000Z');
  });

  it('crosses a DST change in the named zone', () => {
    // Berlin springs forward on 2026-03-29: 4am that day is CEST (UTC+2).
    expect(at('4am (Europe/Berlin)', '2026-03-28T12:00:00Z')).toBe('2026-03-29T02:00:00.000Z');
    // And falls back on 2026-10-25: 4am is CET (UTC+1) again.
    expect(at('4am (Europe/Berlin)', '2026-10-24T12:00:00Z')).toBe('2026-10-25T03:00:00.000Z');
  });

  it('dates: "Nov 27, 4am", with a year, with ordinals', () => {
    expect(at('Nov 27, 4am (UTC)', '2026-11-24T10:00:00Z')).toBe('2026-11-27T04:00:00.000Z');
    expect(at('Nov 27, 2027, 4:30pm (UTC)', '2026-11-24T10:00:00Z')).toBe('2027-11-27T16:30:00.000Z');
    expect(at('Nov 27th, 2026 4:30 PM UTC', '2026-11-24T10:00:00Z')).toBe('2026-11-27T16:30:00.000Z');
    // Read on Dec 31, "Jan 2" is next year's.
    expect(at('Jan 2, 4am (UTC)', '2026-12-31T10:00:00Z')).toBe('2027-01-02T04:00:00.000Z');
  });

  it('ISO timestamps, with or without an offset', () => {
    expect(at('2026-11-25T03:00:00Z', '2026-11-24T10:00:00Z')).toBe('2026-11-25T03:00:00.000Z');
    expect(at('at 2026-11-25T03:00:00+0100', '2026-11-24T10:00:00Z')).toBe('2026-11-25T02:00:00.000Z');
    expect(at('2026-11-25 03:00 (UTC)', '2026-11-24T10:00:00Z')).toBe('2026-11-25T03:00:00.000Z');
  });

  it('relative durations', () => {
    expect(at('in 2 hours 5 minutes', '2026-11-24T10:00:00Z')).toBe('2026-11-24T12:05:00.000Z');
    expect(at('in 23h15m30s', '2026-11-24T10:00:00Z')).toBe('2026-11-25T09:15:30.000Z');
    expect(at('in 1 day and 3 hours', '2026-11-24T10:00:00Z')).toBe('2026-11-25T13:00:00.000Z');
    expect(at('in 45 min', '2026-11-24T10:00:00Z')).toBe('2026-11-24T10:45:00.000Z');
  });

  it('null for what is not a time', () => {
    for (const clause of ['4', 'soon', '25:00', '13pm', '3:75pm', 'in a while', 'next month', '']) {
      expect(at(clause, '2026-11-24T10:00:00Z'), clause).toBeNull();
    }
  });
});
