/**
 * An event's frame, built once per event however many clients get it: the JSON of its `event`
 * message, and that JSON as a complete WebSocket text frame. A server's frames are not masked
 * (RFC 6455 §5.1), so the bytes are the same for every client and can be written to each
 * socket as they are: per client, an event then costs one socket write, not a JSON encode and a
 * frame header each.
 */
import type { FlotillaEvent } from '../../domain/event.js';
import type { ServerMessage } from './protocol.js';

export interface EventFrame {
  /** The `event` message's JSON (UTF-8), for a socket that frames itself. */
  json: Buffer;
  /** The same as one final, unmasked WebSocket text frame. */
  wire: Buffer;
}

// Live events reach every session as the same object (the bus hands the one it published).
const frames = new WeakMap<FlotillaEvent, EventFrame>();

export function eventFrame(event: FlotillaEvent): EventFrame {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = wsTextFrame(JSON.stringify({ type: 'event', id: event.id, event } satisfies ServerMessage));
    frames.set(event, frame);
  }
  return frame;
}

/** `text` as one final, unmasked text frame (FIN + opcode 1, the RFC 6455 length, the UTF-8). */
export function wsTextFrame(text: string): EventFrame {
  const n = Buffer.byteLength(text);
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(head + n);
  wire[0] = 0x81;
  if (n < 126) wire[1] = n;
  else if (n < 65_536) {
    wire[1] = 126;
    wire.writeUInt16BE(n, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(n), 2);
  }
  wire.write(text, head, 'utf8');
  // The JSON is a view of the frame's payload, not a copy.
  return { json: wire.subarray(head), wire };
}
