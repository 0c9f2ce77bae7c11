import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { codexToolCall } from './agent-tools.js';
import { asString, type DialectRequest, isObject, type SimDialect, textChunks } from './dialect.js';
import type { SimContentBlock, SimReply } from './engine.js';
import { simId } from './engine.js';
import type { SimMessageSummary, SimToolResult } from './request.js';
import { wait } from './sse.js';

/**
 * The OpenAI Responses API (`POST /v1/responses`) as the Codex CLI speaks it through a custom
 * model provider (`wire_api = "responses"`). Verified against codex-cli 0.171.0: it always
 * streams; input items are `message` (developer/user/assistant), `function_call` and
 * `function_call_output`; the thread id comes in the `session-id` header; the working directory
 * in the `<environment_context>` user message. Codex reads `response.output_item.done` items and
 * ends the turn on `response.completed` (a stream without it is an error and is retried).
 */

type MessageReply = Extract<SimReply, { kind: 'message' }>;
type ErrorReply = Extract<SimReply, { kind: 'error' }>;

const MARKER = /\[\[sim:([\w.-]+)\]\]/;
/** User messages codex writes itself: context, not what the user typed. */
const HARNESS_TEXT = /^\s*(?:<environment_context>|<user_instructions>|<permissions|# AGENTS\.md|<skills)/;

function itemText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

function outputText(output: unknown): string {
  return typeof output === 'string' ? output : itemText(output);
}

/** Read one Responses request into the engine's terms. */
export function readResponsesRequest(
  body: unknown,
  headers: IncomingHttpHeaders,
  size: number,
): DialectRequest {
  const b = isObject(body) ? body : {};
  const input = Array.isArray(b.input) ? b.input.filter(isObject) : [];
  const messages: SimMessageSummary[] = [];
  let cwd: string | null = null;
  // Tool results since the model's last turn: what the previous calls returned.
  let pending: SimToolResult[] = [];
  let canAsk = false;
  for (const item of input) {
    const type = asString(item.type);
    if (type === 'message') {
      const role = asString(item.role);
      const text = itemText(item.content);
      // Under `on-request` codex tells the model how to ask; under `never` it forbids asking.
      if (text.includes('# Escalation Requests')) canAsk = true;
      cwd ??= /<cwd>([^<]+)<\/cwd>/.exec(text)?.[1]?.trim() ?? null;
      if (role === 'developer' || role === 'system' || HARNESS_TEXT.test(text)) continue;
      if (role === 'assistant') pending = [];
      messages.push({ role, text, toolUses: [], toolResults: [] });
    } else if (type === 'function_call') {
      pending = [];
      messages.push({ role: 'assistant', text: '', toolUses: [asString(item.name)], toolResults: [] });
    } else if (type === 'function_call_output') {
      const result = { toolUseId: asString(item.call_id), content: outputText(item.output), isError: false };
      pending.push(result);
      messages.push({ role: 'user', text: '', toolUses: [], toolResults: [result] });
    }
  }
  const userTexts = messages.filter((m) => m.role === 'user' && m.text !== '').map((m) => m.text);
  const offeredTools = (Array.isArray(b.tools) ? b.tools : [])
    .filter(isObject)
    .map((t) => asString(t.name))
    .filter(Boolean);
  const header = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const marker = userTexts.map((t) => MARKER.exec(t)?.[1]).find(Boolean) ?? null;
  return {
    parsed: {
      model: asString(b.model) || 'codex-sim',
      stream: b.stream !== false,
      agentLoop: offeredTools.length > 0,
      sessionId: header('session-id') ?? header('thread-id') ?? (asString(b.prompt_cache_key) || null),
      cwd,
      marker,
      firstUserText: userTexts[0] ?? '',
      lastUserText: userTexts.at(-1) ?? '',
      toolResults: pending,
      messages,
      size,
    },
    offeredTools,
    canAsk,
    wantsJson: isObject(b.text) && isObject(b.text.format) && b.text.format.type === 'json_schema',
  };
}

/** The output items of a reply, with script tools mapped onto codex's own. */
function outputItems(reply: MessageReply, req: DialectRequest): Record<string, unknown>[] {
  return reply.content.map((block: SimContentBlock) => {
    if (block.type === 'text') {
      return {
        type: 'message',
        id: simId('msg'),
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: block.text, annotations: [] }],
      };
    }
    const call = codexToolCall(block.name, block.input, req.offeredTools, req.canAsk === true);
    return {
      type: 'function_call',
      id: simId('fc'),
      call_id: block.id.replace(/^toolu_/, 'call_'),
      name: call.name,
      arguments: JSON.stringify(call.input),
      status: 'completed',
    };
  });
}

function usageOf(reply: MessageReply) {
  const u = reply.usage;
  const input = u.input_tokens + u.cache_read_input_tokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cache_read_input_tokens },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + u.output_tokens,
  };
}

function responseObject(reply: MessageReply, status: string, output: unknown[], withUsage: boolean) {
  return {
    id: reply.id.replace(/^msg_/, 'resp_'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model: reply.model,
    output,
    ...(withUsage ? { usage: usageOf(reply) } : {}),
  };
}

function event(res: ServerResponse, seq: { n: number }, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq.n++, ...data })}\n\n`);
}

async function writeResponsesStream(
  res: ServerResponse,
  reply: MessageReply,
  req: DialectRequest,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const seq = { n: 0 };
  event(res, seq, 'response.created', { response: responseObject(reply, 'in_progress', [], false) });
  if (reply.delayMs > 0) {
    await wait(reply.delayMs, signal);
    if (signal.aborted) return;
  }
  const items = outputItems(reply, req);
  items.forEach((item, output_index) => {
    const started = item.type === 'message' ? { ...item, status: 'in_progress', content: [] } : item;
    event(res, seq, 'response.output_item.added', { output_index, item: started });
    if (item.type === 'message') {
      const text = itemText(item.content);
      for (const delta of textChunks(text)) {
        event(res, seq, 'response.output_text.delta', {
          item_id: item.id,
          output_index,
          content_index: 0,
          delta,
        });
      }
    }
    event(res, seq, 'response.output_item.done', { output_index, item });
  });
  event(res, seq, 'response.completed', { response: responseObject(reply, 'completed', items, true) });
  res.end();
}

/** OpenAI's error body: `{"error":{"message","type","code"}}`. */
function writeResponsesError(
  res: ServerResponse,
  reply: Pick<ErrorReply, 'status' | 'type' | 'message' | 'headers'>,
): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-type': 'application/json' });
  const type = reply.status === 429 ? 'rate_limit_exceeded' : reply.type;
  res.end(JSON.stringify({ error: { message: reply.message, type, code: type, param: null } }));
}

export const openaiResponsesDialect: SimDialect = {
  api: 'openai-responses',
  read: (body, headers, size) => readResponsesRequest(body, headers, size),
  stream: writeResponsesStream,
  json: (res, reply, req) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(responseObject(reply, 'completed', outputItems(reply, req), true)));
  },
  error: writeResponsesError,
};
