import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { SimReply } from './engine.js';
import { type ParsedMessagesRequest, parseMessagesRequest } from './request.js';
import { writeError, writeJson, writeStream } from './sse.js';

/**
 * One model API's wire format. The script, the engine and the request log are shared by every
 * agent; a dialect only reads its API's request into the engine's terms and writes the engine's
 * reply back in its API's framing. So one script drives Claude Code, Codex and Gemini CLI alike.
 */

type MessageReply = Extract<SimReply, { kind: 'message' }>;
type ErrorReply = Extract<SimReply, { kind: 'error' }>;

/** Which model API a request spoke. */
export type SimApi = 'anthropic' | 'openai-responses' | 'gemini';

/** What a dialect read from one request: the engine's view plus what the writer needs. */
export interface DialectRequest {
  parsed: ParsedMessagesRequest;
  /** Tool names the agent offered the model (a script's generic Bash/Write are mapped onto them). */
  offeredTools: string[];
  /** The model answers with JSON (a side request asking for a schema): the fallback text is `{}`. */
  wantsJson: boolean;
  /** The agent lets the model ask for approval (codex: approval policy `on-request`). */
  canAsk?: boolean;
  /** The path named a model (Gemini puts it in the URL, not the body). */
  pathModel?: string;
}

export interface SimDialect {
  api: SimApi;
  read(body: unknown, headers: IncomingHttpHeaders, size: number, path: string): DialectRequest;
  /** Stream a message; resolves when it ended or the client went away. */
  stream(res: ServerResponse, reply: MessageReply, req: DialectRequest, signal: AbortSignal): Promise<void>;
  json(res: ServerResponse, reply: MessageReply, req: DialectRequest): void;
  error(res: ServerResponse, reply: Pick<ErrorReply, 'status' | 'type' | 'message' | 'headers'>): void;
}

/** Claude Code's Messages API: the original format, tools named as the script names them. */
export const anthropicDialect: SimDialect = {
  api: 'anthropic',
  read: (body, headers, size) => ({
    parsed: parseMessagesRequest(body, headers, size),
    offeredTools: [],
    wantsJson: false,
  }),
  stream: (res, reply, _req, signal) => writeStream(res, reply, signal),
  json: (res, reply) => writeJson(res, reply),
  error: writeError,
};

/** Split text into a few deltas, so the client's delta assembly is exercised as with a real model. */
export function textChunks(text: string, parts = 3): string[] {
  if (text.length < 12) return [text];
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const asString = (v: unknown): string => (typeof v === 'string' ? v : '');
