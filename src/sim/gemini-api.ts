import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { geminiToolCall } from './agent-tools.js';
import { asString, type DialectRequest, isObject, type SimDialect, textChunks } from './dialect.js';
import type { SimReply } from './engine.js';
import type { SimMessageSummary, SimToolResult } from './request.js';
import { wait } from './sse.js';

/**
 * The Gemini API (`POST /v1beta/models/<model>:streamGenerateContent?alt=sse` and
 * `:generateContent`) as Gemini CLI speaks it with `GOOGLE_GEMINI_BASE_URL` and
 * `GEMINI_API_KEY`. Verified against gemini-cli 0.61.0: the agent loop streams and carries
 * `tools[].functionDeclarations`; side requests (model routing, next-speaker checks) use
 * `generateContent` with a JSON response schema and no tools, and get `{}` (the CLI then falls
 * back to its defaults). The working directory is in the `<session_context>` user part. No
 * session id is sent, so conversations are keyed by working directory.
 */

type MessageReply = Extract<SimReply, { kind: 'message' }>;
type ErrorReply = Extract<SimReply, { kind: 'error' }>;

const MARKER = /\[\[sim:([\w.-]+)\]\]/;
const HARNESS_TEXT = /^\s*<session_context>/;

/** Read one generateContent request into the engine's terms. */
export function readGeminiRequest(body: unknown, size: number, path: string): DialectRequest {
  const b = isObject(body) ? body : {};
  const contents = Array.isArray(b.contents) ? b.contents.filter(isObject) : [];
  const messages: SimMessageSummary[] = [];
  let cwd: string | null = null;
  let pending: SimToolResult[] = [];
  for (const content of contents) {
    const role = asString(content.role) === 'model' ? 'assistant' : 'user';
    const parts = Array.isArray(content.parts) ? content.parts.filter(isObject) : [];
    const texts: string[] = [];
    const toolUses: string[] = [];
    const toolResults: SimToolResult[] = [];
    for (const part of parts) {
      if (typeof part.text === 'string' && part.thought !== true) {
        const ctx = /Workspace Directories:\*\*\s*\n\s*-\s*([^\n]+)/.exec(part.text);
        cwd ??= ctx?.[1]?.trim() ?? null;
        if (!HARNESS_TEXT.test(part.text)) texts.push(part.text);
      }
      if (isObject(part.functionCall)) toolUses.push(asString(part.functionCall.name));
      if (isObject(part.functionResponse)) {
        const r = part.functionResponse;
        const response = isObject(r.response) ? r.response : {};
        const output = response.output ?? response.error ?? response;
        toolResults.push({
          toolUseId: asString(r.id) || asString(r.name),
          content: typeof output === 'string' ? output : JSON.stringify(output),
          isError: response.error !== undefined,
        });
      }
    }
    if (role === 'assistant') pending = [];
    pending.push(...toolResults);
    if (texts.length === 0 && toolUses.length === 0 && toolResults.length === 0) continue;
    messages.push({ role, text: texts.join('\n'), toolUses, toolResults });
  }
  const userTexts = messages.filter((m) => m.role === 'user' && m.text !== '').map((m) => m.text);
  const offeredTools = (Array.isArray(b.tools) ? b.tools : [])
    .filter(isObject)
    .flatMap((t) => (Array.isArray(t.functionDeclarations) ? t.functionDeclarations : []))
    .filter(isObject)
    .map((f) => asString(f.name))
    .filter(Boolean);
  const config = isObject(b.generationConfig) ? b.generationConfig : {};
  const pathModel = /\/models\/([^:/]+):/.exec(path)?.[1];
  return {
    parsed: {
      model: pathModel ?? 'gemini-sim',
      stream: path.includes(':streamGenerateContent'),
      agentLoop: offeredTools.length > 0,
      sessionId: null,
      cwd,
      marker: userTexts.map((t) => MARKER.exec(t)?.[1]).find(Boolean) ?? null,
      firstUserText: userTexts[0] ?? '',
      lastUserText: userTexts.at(-1) ?? '',
      toolResults: pending,
      messages,
      size,
    },
    offeredTools,
    wantsJson: asString(config.responseMimeType) === 'application/json',
    ...(pathModel ? { pathModel } : {}),
  };
}

function parts(reply: MessageReply, req: DialectRequest): Record<string, unknown>[] {
  return reply.content.map((block) => {
    if (block.type === 'text') return { text: block.text };
    const call = geminiToolCall(block.name, block.input, req.offeredTools);
    return { functionCall: { id: block.id, name: call.name, args: call.input } };
  });
}

function usageOf(reply: MessageReply) {
  const u = reply.usage;
  const prompt = u.input_tokens + u.cache_read_input_tokens;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: u.output_tokens,
    totalTokenCount: prompt + u.output_tokens,
    ...(u.cache_read_input_tokens > 0 ? { cachedContentTokenCount: u.cache_read_input_tokens } : {}),
  };
}

function chunk(reply: MessageReply, ps: Record<string, unknown>[], last: boolean) {
  return {
    candidates: [
      {
        content: { role: 'model', parts: ps },
        index: 0,
        ...(last ? { finishReason: 'STOP' } : {}),
      },
    ],
    ...(last ? { usageMetadata: usageOf(reply) } : {}),
    modelVersion: reply.model,
    responseId: reply.id,
  };
}

async function writeGeminiStream(
  res: ServerResponse,
  reply: MessageReply,
  req: DialectRequest,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (reply.delayMs > 0) {
    await wait(reply.delayMs, signal);
    if (signal.aborted) return;
  }
  const all = parts(reply, req);
  // Text in a few chunks (the CLI assembles them), each function call whole, as the API does.
  const pieces: Record<string, unknown>[] = all.flatMap((p) =>
    typeof p.text === 'string' ? textChunks(p.text).map((text) => ({ text })) : [p],
  );
  pieces.forEach((p, i) => {
    const data = chunk(reply, [p], i === pieces.length - 1);
    res.write(`data: ${JSON.stringify(data)}\r\n\r\n`);
  });
  res.end();
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

function writeGeminiError(
  res: ServerResponse,
  reply: Pick<ErrorReply, 'status' | 'type' | 'message' | 'headers'>,
): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-type': 'application/json' });
  const status = STATUS_NAMES[reply.status] ?? (reply.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  res.end(JSON.stringify({ error: { code: reply.status, message: reply.message, status } }));
}

export const geminiDialect: SimDialect = {
  api: 'gemini',
  read: (body, _headers: IncomingHttpHeaders, size, path) => readGeminiRequest(body, size, path),
  stream: writeGeminiStream,
  json: (res, reply, req) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(chunk(reply, parts(reply, req), true)));
  },
  error: writeGeminiError,
};
