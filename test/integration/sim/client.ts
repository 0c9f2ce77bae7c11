import { request } from 'node:http';

/**
 * A minimal Messages API client for the sim server tests: builds request bodies shaped like
 * Claude Code's and reads the SSE stream back into events and an assembled message.
 */

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface AssembledMessage {
  id: string;
  model: string;
  content: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>;
  stopReason: string | null;
  usage: Record<string, number>;
}

export interface BodyOptions {
  cwd?: string;
  /** Messages; default one user message `prompt`. */
  messages?: unknown[];
  prompt?: string;
  tools?: boolean;
  stream?: boolean;
  sessionId?: string;
}

/** A request body like Claude Code 2.1.x sends (system prompt with the working directory, tools). */
export function messagesBody(o: BodyOptions = {}): Record<string, unknown> {
  return {
    model: 'claude-test-model',
    max_tokens: 1000,
    stream: o.stream ?? true,
    system: [
      { type: 'text', text: 'You are Claude Code.' },
      {
        type: 'text',
        text: `# Environment\n - Primary working directory: ${o.cwd ?? '/work/repo'}\n - Is a git repository: true`,
      },
    ],
    tools: o.tools === false ? [] : [{ name: 'Write', input_schema: { type: 'object' } }],
    messages: o.messages ?? [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>\ncontext\n</system-reminder>\n' },
          { type: 'text', text: o.prompt ?? 'do the thing' },
        ],
      },
    ],
    ...(o.sessionId
      ? { metadata: { user_id: JSON.stringify({ device_id: 'x', session_id: o.sessionId }) } }
      : {}),
  };
}

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** POST /v1/messages?beta=true over TCP or a Unix socket. */
export function post(
  target: { url: string } | { socketPath: string },
  body: unknown,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const payload = JSON.stringify(body);
  const where = 'url' in target ? new URL('/v1/messages?beta=true', target.url) : null;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method: 'POST',
        ...(where
          ? { host: where.hostname, port: where.port, path: `${where.pathname}${where.search}` }
          : { socketPath: (target as { socketPath: string }).socketPath, path: '/v1/messages' }),
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-sim-test', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(chunk)?.[1] ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** Rebuild the message from its events as an SDK would: text deltas appended, tool JSON parsed at the end. */
export function assemble(events: SseEvent[]): AssembledMessage {
  const start = events.find((e) => e.event === 'message_start')?.data.message as Record<string, unknown>;
  const blocks: AssembledMessage['content'] = [];
  const partial: string[] = [];
  let stopReason: string | null = null;
  let usage = { ...(start.usage as Record<string, number>) };
  for (const { event, data } of events) {
    const index = data.index as number;
    if (event === 'content_block_start') {
      blocks[index] = { ...(data.content_block as AssembledMessage['content'][number]) };
      partial[index] = '';
    } else if (event === 'content_block_delta') {
      const delta = data.delta as { type: string; text?: string; partial_json?: string };
      const block = blocks[index];
      if (!block) throw new Error(`delta for unknown block ${index}`);
      if (delta.type === 'text_delta') block.text = (block.text ?? '') + delta.text;
      else partial[index] = (partial[index] ?? '') + delta.partial_json;
    } else if (event === 'content_block_stop') {
      const block = blocks[index];
      if (block?.type === 'tool_use') block.input = JSON.parse(partial[index] || '{}');
    } else if (event === 'message_delta') {
      stopReason = (data.delta as { stop_reason: string }).stop_reason;
      usage = { ...usage, ...(data.usage as Record<string, number>) };
    }
  }
  return { id: start.id as string, model: start.model as string, content: blocks, stopReason, usage };
}

/** Post and assemble a streamed reply. */
export async function ask(
  target: { url: string } | { socketPath: string },
  body: unknown,
  headers?: Record<string, string>,
): Promise<AssembledMessage> {
  const res = await post(target, body, headers);
  if (res.status !== 200) throw new Error(`status ${res.status}: ${res.text}`);
  return assemble(parseSse(res.text));
}
