import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../../web/src/views/logs/logBuffer.js';
import { FilteredView, formatLine, splitMatches } from '../../../web/src/views/logs/logFilter.js';
import type { LogLine } from '../../../web/src/views/logs/logTypes.js';

const line = (seq: number, level: LogLine['level'], msg: string, agentId: string | null = null): LogLine => ({
  seq,
  ts: null,
  level,
  source: 'daemon',
  agentId,
  msg,
});

const msgs = (buffer: LogBuffer, indices: readonly number[]) => indices.map((i) => buffer.at(i)?.msg);

describe('log buffer and filtered view', () => {
  it('caps the buffer, dropping the oldest, and keeps the filtered view right incrementally', () => {
    const buffer = new LogBuffer(4);
    const view = new FilteredView();
    const all = { minLevel: 'trace', search: '', agentId: null } as const;
    const warnings = { minLevel: 'warn', search: '', agentId: null } as const;
    buffer.append([line(1, 'info', 'a'), line(2, 'warn', 'b'), line(3, 'info', 'c')]);
    expect(msgs(buffer, view.update(buffer, warnings))).toEqual(['b']);
    buffer.append([line(4, 'error', 'd'), line(5, 'warn', 'e'), line(6, 'info', 'f')]);
    // Two dropped (a, b): b leaves the view too; d and e come in without a full rescan.
    expect(buffer.droppedOld).toBe(2);
    expect(
      msgs(
        buffer,
        buffer.lines.map((_, i) => buffer.base + i),
      ),
    ).toEqual(['c', 'd', 'e', 'f']);
    expect(msgs(buffer, view.update(buffer, warnings))).toEqual(['d', 'e']);
    expect(view.matchedTotal).toBe(3);
    expect(msgs(buffer, view.update(buffer, all))).toEqual(['c', 'd', 'e', 'f']);
    buffer.clear();
    expect(view.update(buffer, all)).toEqual([]);
    buffer.append([line(7, 'info', 'g')]);
    expect(msgs(buffer, view.update(buffer, all))).toEqual(['g']);
    expect(buffer.droppedOld).toBe(2);
  });

  it('filters by agent and by case-insensitive search', () => {
    const buffer = new LogBuffer(100);
    buffer.append([line(1, 'info', 'Agent started', 'aaaaaa'), line(2, 'info', 'agent idle', 'bbbbbb')]);
    const view = new FilteredView();
    expect(
      msgs(buffer, view.update(buffer, { minLevel: 'trace', search: 'AGENT', agentId: 'bbbbbb' })),
    ).toEqual(['agent idle']);
    expect([...buffer.agentIds]).toEqual(['aaaaaa', 'bbbbbb']);
  });

  it('splits text around matches in its own case', () => {
    expect(splitMatches('GET /Agents and agents', 'agents')).toEqual([
      { text: 'GET /', match: false },
      { text: 'Agents', match: true },
      { text: ' and ', match: false },
      { text: 'agents', match: true },
    ]);
    expect(formatLine({ ...line(1, 'warn', 'stuck', 'k7m2qp'), ts: '2026-11-25T09:00:00.000Z' })).toBe(
      '2026-11-25T09:00:00.000Z WARN  [k7m2qp] stuck',
    );
  });
});
