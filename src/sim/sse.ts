import type { ServerResponse } from 'node:http';
import type { SimContentBlock, SimReply } from './engine.js';

/**
 * Writing a reply in the Messages API wire format: the SSE event sequence of a streamed message
 * (message_start, content_block_start/delta/stop per block, message_delta with the stop reason and
 * usage, message_stop), the JSON body of a non-streamed one, and the JSON error body.
 */

type MessageReply = Extract<SimReply, { kind: 'message' }>;
type ErrorReply = Extract<SimReply, { kind: 'error' }>;

/** Keep-alive while a delayed stream holds its content back, as the real API does. */
const PING_EVERY_MS = 5_000;

function event(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

/** Split text into a few deltas, so the client's delta assembly is exercised as with a real model. */
function chunks(text: string, parts = 3): string[] {
  if (text.length < 12) return [text];
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function writeBlock(res: ServerResponse, index: number, block: SimContentBlock): void {
  if (block.type === 'text') {
    event(res, 'content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const text of chunks(block.text)) {
      event(res, 'content_block_delta', { index, delta: { type: 'text_delta', text } });
    }
  } else {
    event(res, 'content_block_start', {
      index,
      content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
    });
    for (const partial_json of chunks(JSON.stringify(block.input))) {
      event(res, 'content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
    }
  }
  event(res, 'content_block_stop', { index });
}

const requestId = (reply: MessageReply): string => reply.id.replace(/^msg_/, 'req_');

/**
 * Stream a message. With a delay the headers and message_start go out first and pings keep the
 * connection alive, so the agent sees a slow model rather than a dead one. Resolves when the
 * stream ended or the client went away.
 */
export async function writeStream(
  res: ServerResponse,
  reply: MessageReply,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': requestId(reply),
  });
  event(res, 'message_start', {
    message: {
      id: reply.id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...reply.usage, output_tokens: 1 },
    },
  });
  if (reply.delayMs > 0) {
    const ping = setInterval(() => event(res, 'ping', {}), PING_EVERY_MS);
    try {
      await wait(reply.delayMs, signal);
    } finally {
      clearInterval(ping);
    }
    if (signal.aborted) return;
  }
  reply.content.forEach((block, index) => {
    writeBlock(res, index, block);
  });
  event(res, 'message_delta', {
    delta: { stop_reason: reply.stopReason, stop_sequence: null },
    usage: { output_tokens: reply.usage.output_tokens },
  });
  event(res, 'message_stop', {});
  res.end();
}

/** Answer `stream: false` with one JSON message. */
export function writeJson(res: ServerResponse, reply: MessageReply): void {
  const body = JSON.stringify({
    id: reply.id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: reply.content,
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: reply.usage,
  });
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId(reply) });
  res.end(body);
}

/** The Anthropic error body: `{"type":"error","error":{"type":…,"message":…}}`. */
export function writeError(
  res: ServerResponse,
  reply: Pick<ErrorReply, 'status' | 'type' | 'message' | 'headers'>,
): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message } }));
}

/** Sleep that ends early when the signal aborts (client gone, server closing). */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
