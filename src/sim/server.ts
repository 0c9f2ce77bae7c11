import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlotillaError } from '../domain/errors.js';
import { anthropicDialect, type SimApi, type SimDialect } from './dialect.js';
import { type SimDecision, SimEngine, type SimOutcome } from './engine.js';
import { geminiDialect } from './gemini-api.js';
import { openaiResponsesDialect } from './openai-responses.js';
import type { ParsedMessagesRequest, SimMessageSummary, SimToolResult } from './request.js';
import { parseSimScript, type SimConversationInput, type SimScript, type SimScriptInput } from './script.js';
import { wait, writeError } from './sse.js';

/**
 * The scripted model server that the real agent CLIs talk to in the demo and in end-to-end tests.
 * One script, one request log, three wire formats chosen by path: the Anthropic Messages API
 * (`/v1/messages`, Claude Code via ANTHROPIC_BASE_URL), the OpenAI Responses API
 * (`/v1/responses`, Codex via a custom model provider) and the Gemini API
 * (`/v1beta/models/<model>:(stream)generateContent`, Gemini CLI via GOOGLE_GEMINI_BASE_URL).
 * Loopback only, no dependencies; see docs/dev/claude-code-driving.md and docs/agents.md.
 */

/** The dialect a path speaks, or null for a path no agent calls. */
function dialectFor(path: string): SimDialect | null {
  if (path === '/v1/messages') return anthropicDialect;
  if (path === '/v1/responses') return openaiResponsesDialect;
  if (/^\/v1(?:beta|alpha)?\/models\/[^/:]+:(?:stream)?[gG]enerateContent$/.test(path)) return geminiDialect;
  return null;
}

/** What the server remembers about one request, for tests to assert on. */
export interface SimRequestRecord {
  seq: number;
  /** The wire format the request spoke; null for requests outside every model API (`HEAD /`, 404s). */
  api: SimApi | null;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  path: string;
  /** `script`: an agent-loop turn; `fallback`: a side request (title, bash-prefix check…); `other`: HEAD /, 404s. */
  kind: 'script' | 'fallback' | 'other';
  outcome: SimOutcome | null;
  conversation: string | null;
  step: number | null;
  sessionId: string | null;
  cwd: string | null;
  messageCount: number;
  firstUserText: string;
  lastUserText: string;
  toolResults: SimToolResult[];
  messages: SimMessageSummary[];
  /** Names of the tools the request offered the model. */
  offeredTools: string[];
  /** HTTP status answered. */
  status: number;
  /** Tool names the reply called, in order. */
  replyTools: string[];
  replyText: string;
}

export interface SimServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Only loopback addresses are accepted. */
  host?: '127.0.0.1' | '::1' | 'localhost';
  script: SimScriptInput | SimScript;
  /** Also listen on this Unix socket: the way into a loopback-only network namespace (test/helpers/netns.ts). */
  socketPath?: string;
  /** Called once a request is decided, before any delay: "the agent is now waiting on the model". */
  onRequest?: (record: SimRequestRecord) => void;
  /** Keep at most this many records (oldest dropped). Default 2000. */
  maxRecords?: number;
}

export interface SimServer {
  /** Base URL for ANTHROPIC_BASE_URL and GOOGLE_GEMINI_BASE_URL (codex's provider wants `${url}/v1`). */
  url: string;
  port: number;
  /** Recorded requests, oldest first. */
  readonly requests: SimRequestRecord[];
  addConversation(conversation: SimConversationInput): void;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_BODY) req.destroy(new Error('request body too large'));
      else parts.push(b);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server, where: { port: number; host: string } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if ('path' in where) server.listen(where.path, done);
    else server.listen(where.port, where.host, done);
  });
}

/** Start the scripted Messages API on 127.0.0.1. */
export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    throw new FlotillaError('INVALID_INPUT', `the sim server binds loopback only, not ${host}`);
  }
  const engine = new SimEngine(parseSimScript(options.script));
  const maxRecords = options.maxRecords ?? 2000;
  const requests: SimRequestRecord[] = [];
  const closing = new AbortController();
  let seq = 0;

  const record = (r: Omit<SimRequestRecord, 'seq' | 'at'>): SimRequestRecord => {
    const full = { seq: ++seq, at: new Date().toISOString(), ...r };
    requests.push(full);
    if (requests.length > maxRecords) requests.splice(0, requests.length - maxRecords);
    options.onRequest?.(full);
    return full;
  };
  const other = (req: IncomingMessage, path: string, status: number) =>
    record({
      method: req.method ?? '',
      path,
      api: null,
      kind: 'other',
      outcome: null,
      conversation: null,
      step: null,
      sessionId: null,
      cwd: null,
      messageCount: 0,
      firstUserText: '',
      lastUserText: '',
      toolResults: [],
      messages: [],
      offeredTools: [],
      status,
      replyTools: [],
      replyText: '',
    });

  const handleMessages = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    dialect: SimDialect,
  ) => {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      other(req, path, 400);
      dialect.error(res, {
        status: 400,
        type: 'invalid_request_error',
        message: 'body is not JSON',
        headers: {},
      });
      return;
    }
    const read = dialect.read(body, req.headers, raw.length, path);
    const decision = engine.decide(read.parsed);
    const { reply } = decision;
    // A side request that asked for JSON (Gemini's model router) would choke on prose.
    if (decision.outcome === 'fallback' && read.wantsJson && reply.kind === 'message') {
      reply.content = [{ type: 'text', text: '{}' }];
    }
    record(summary(req, path, dialect.api, read.parsed, decision));
    // The client hanging up (kill -9 mid-turn) or the server closing ends any wait at once.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const signal = AbortSignal.any([gone.signal, closing.signal]);
    if (reply.kind === 'error') {
      if (reply.delayMs > 0) await wait(reply.delayMs, signal);
      if (!signal.aborted) dialect.error(res, reply);
    } else if (read.parsed.stream) {
      await dialect.stream(res, reply, read, signal);
    } else {
      if (reply.delayMs > 0) await wait(reply.delayMs, signal);
      if (!signal.aborted) dialect.json(res, reply, read);
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if ((method === 'HEAD' || method === 'GET') && path === '/') {
      other(req, path, 200);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(method === 'HEAD' ? undefined : 'flotilla sim\n');
      return;
    }
    const dialect = method === 'POST' ? dialectFor(path) : null;
    if (dialect) {
      handleMessages(req, res, path, dialect).catch((e: unknown) => {
        if (!res.headersSent) {
          dialect.error(res, { status: 500, type: 'api_error', message: String(e), headers: {} });
        } else res.destroy();
      });
      return;
    }
    other(req, path, 404);
    writeError(res, {
      status: 404,
      type: 'not_found_error',
      message: `no route ${method} ${path}`,
      headers: {},
    });
  };

  const tcp = createServer(handler);
  await listen(tcp, { port: options.port ?? 0, host });
  const servers = [tcp];
  if (options.socketPath !== undefined) {
    const unix = createServer(handler);
    try {
      await listen(unix, { path: options.socketPath });
    } catch (e) {
      tcp.close();
      throw new FlotillaError(
        'PROCESS_FAILED',
        `sim server cannot listen on ${options.socketPath}: ${String(e)}`,
      );
    }
    servers.push(unix);
  }
  const port = (tcp.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    addConversation: (c) => engine.addConversation(c),
    close: async () => {
      closing.abort();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function summary(
  req: IncomingMessage,
  path: string,
  api: SimApi,
  parsed: ParsedMessagesRequest,
  decision: SimDecision,
): Omit<SimRequestRecord, 'seq' | 'at'> {
  const { reply } = decision;
  const content = reply.kind === 'message' ? reply.content : [];
  return {
    method: req.method ?? 'POST',
    path,
    api,
    kind: decision.outcome === 'fallback' ? 'fallback' : 'script',
    outcome: decision.outcome,
    conversation: decision.conversation,
    step: decision.step,
    sessionId: parsed.sessionId,
    cwd: parsed.cwd,
    messageCount: parsed.messages.length,
    firstUserText: parsed.firstUserText,
    lastUserText: parsed.lastUserText,
    toolResults: parsed.toolResults,
    offeredTools: parsed.offeredTools ?? [],
    messages: parsed.messages,
    status: reply.kind === 'error' ? reply.status : 200,
    replyTools: content.flatMap((b) => (b.type === 'tool_use' ? [b.name] : [])),
    replyText: content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n'),
  };
}
