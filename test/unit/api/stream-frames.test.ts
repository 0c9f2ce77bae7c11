import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { eventFrame, wsTextFrame } from '../../../src/api/stream/frames.js';
import type { FlotillaEvent } from '../../../src/domain/event.js';

// ws's own framing, to hold the prebuilt frames to: the bytes must be what `ws.send` writes.
const { Sender } = createRequire(import.meta.url)('ws') as {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
};
const wsFrame = (payload: Buffer): Buffer =>
  Buffer.concat(Sender.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }));

const event = (data: Record<string, unknown>): FlotillaEvent =>
  ({
    id: 7,
    ts: '2026-01-01T00:00:00.000Z',
    type: 'agent.hook',
    actor: 'hook',
    repoId: null,
    taskId: null,
    agentId: 'k3f9qa',
    data: { hook: 'Stop', summary: 'Stop', hookTs: '2026-01-01T00:00:00.000Z', ...data },
  }) as FlotillaEvent;

describe('prebuilt event frames', () => {
  it('are the bytes ws would send, for each length encoding (7-bit, 16-bit, 64-bit)', () => {
    for (const size of [0, 90, 125, 126, 1_000, 65_535, 65_536, 200_000]) {
      const text = 'é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2);
      const frame = wsTextFrame(text);
      expect(frame.json.toString('utf8')).toBe(text);
      expect(frame.wire.equals(wsFrame(Buffer.from(text)))).toBe(true);
    }
  });

  it('are built once per event, however many clients send it', () => {
    const e = event({ message: 'hi' });
    const first = eventFrame(e);
    expect(eventFrame(e)).toBe(first);
    expect(JSON.parse(first.json.toString('utf8'))).toEqual({ type: 'event', id: 7, event: e });
    expect(eventFrame(event({}))).not.toBe(first);
  });
});
