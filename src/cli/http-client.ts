/**
 * The CLI's JSON client for the daemon's API. Built on node:http rather than global fetch:
 * fetch loads undici on first use, which costs 20–30 ms of every command's start-up. Errors
 * come back as the same FlotillaError (code, message, hint, issues) the daemon threw, so the
 * CLI prints and exits exactly as if the work had been done in-process.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { CLI_CLIENT, CLIENT_HEADER } from '../api/actor.js';
import { ERROR_CODES, type ErrorCode, type ErrorIssue, FlotillaError } from '../domain/errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpClientOptions {
  /** e.g. http://127.0.0.1:7433 (from daemon.json). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; null sends none. */
  token: string | null;
  /** Per request, connection included. Default 30 s. */
  timeoutMs?: number;
  /**
   * For an https baseUrl: the daemon's certificate and fingerprint from daemon.json. The client
   * then trusts that certificate (self-signed is fine) and nothing else claiming to be the
   * daemon; without it, the system's CAs and the usual hostname check apply.
   */
  tls?: { cert: string; fingerprint256: string };
}

export interface RequestOptions {
  timeoutMs?: number;
}

/** A JSON client bound to one daemon. */
export interface HttpClient {
  readonly baseUrl: string;
  /** Sends `body` as JSON (when given) and resolves with the parsed JSON answer; throws FlotillaError. */
  request<T>(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<T>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
// Idle keep-alive sockets are unref'd by node, so they never hold a finished command open.
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'INVALID_INPUT',
  429: 'RATE_LIMITED',
  499: 'CANCELLED',
  503: 'DAEMON_UNREACHABLE',
  504: 'TIMEOUT',
};

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

/** The daemon's `{error: {code, message, hint?, issues}}` body back into the FlotillaError it was. */
export function errorFromResponse(status: number, text: string): FlotillaError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: unknown } | undefined)?.error;
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; hint?: unknown; issues?: unknown };
    if (isErrorCode(e.code) && typeof e.message === 'string') {
      const issues: ErrorIssue[] = Array.isArray(e.issues)
        ? e.issues
            .filter((i): i is ErrorIssue => typeof i?.path === 'string' && typeof i?.message === 'string')
            .map((i) => ({ path: i.path, message: i.message }))
        : [];
      return new FlotillaError(e.code, e.message, {
        ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
        issues,
      });
    }
  }
  const code = CODE_BY_STATUS[status] ?? (status >= 400 && status < 500 ? 'INVALID_INPUT' : 'INTERNAL');
  const snippet = text.trim().slice(0, 200);
  return new FlotillaError(code, `the daemon answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`, {
    hint: 'run `flotilla daemon status`; the daemon log is logs/daemon.log in the state dir',
  });
}

function unreachable(baseUrl: string, err: NodeJS.ErrnoException): FlotillaError {
  return new FlotillaError(
    'DAEMON_UNREACHABLE',
    `cannot reach the Flotilla daemon at ${baseUrl} (${err.code ?? err.message})`,
    {
      hint: 'start it with `flotilla daemon start` (or `flotilla serve`); `flotilla daemon status` shows its state',
      cause: err,
    },
  );
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
]);

/** An https agent pinned to one certificate: the check runs before any byte (or token) is sent. */
function pinnedAgent(pin: { cert: string; fingerprint256: string }): HttpsAgent {
  return new HttpsAgent({
    keepAlive: true,
    maxSockets: 8,
    ca: [...rootCertificates, pin.cert],
    checkServerIdentity: (_host, cert) =>
      cert.fingerprint256 === pin.fingerprint256
        ? undefined
        : new Error(`the daemon's TLS certificate is not the one in daemon.json (${cert.fingerprint256})`),
  });
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const https = baseUrl.startsWith('https:');
  const sendRequest = https ? httpsRequest : httpRequest;
  const clientAgent = https
    ? opts.tls
      ? pinnedAgent(opts.tls)
      : new HttpsAgent({ keepAlive: true })
    : agent;
  return {
    baseUrl,
    request<T>(method: HttpMethod, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
      const timeoutMs = options.timeoutMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const url = new URL(path, `${baseUrl}/`);
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      // The CLI names itself, so the daemon records what it does as the user's (api/actor.ts).
      const headers: Record<string, string> = { accept: 'application/json', [CLIENT_HEADER]: CLI_CLIENT };
      if (opts.token !== null) headers.authorization = `Bearer ${opts.token}`;
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      return new Promise<T>((resolve, reject) => {
        const req = sendRequest(url, { method, headers, agent: clientAgent }, (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(
                new FlotillaError('INTERNAL', `the daemon's answer to ${method} ${path} is too large`),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (err) => reject(unreachable(baseUrl, err)));
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(errorFromResponse(status, text));
            if (text === '') return resolve(undefined as T);
            try {
              resolve(JSON.parse(text) as T);
            } catch {
              reject(new FlotillaError('INTERNAL', `the daemon's answer to ${method} ${path} is not JSON`));
            }
          });
        });
        const timer = setTimeout(() => {
          req.destroy(
            new FlotillaError(
              'TIMEOUT',
              `the daemon did not answer ${method} ${path} within ${timeoutMs} ms`,
              {
                hint: 'it may be overloaded or stuck: `flotilla daemon status`, or restart it with `flotilla daemon restart`',
              },
            ),
          );
        }, timeoutMs);
        req.on('error', (err: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          if (err instanceof FlotillaError) reject(err);
          else if (err.code !== undefined && CONNECTION_ERRORS.has(err.code))
            reject(unreachable(baseUrl, err));
          else
            reject(
              new FlotillaError('DAEMON_UNREACHABLE', `request to the daemon failed: ${err.message}`, {
                cause: err,
              }),
            );
        });
        req.end(payload);
      });
    },
  };
}
