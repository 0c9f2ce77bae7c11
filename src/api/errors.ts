/**
 * The one mapping from errors to HTTP responses. Expected failures (FlotillaError) keep their
 * code, message, hint and issues; the framework's own client errors (bad JSON, body too large,
 * unsupported media type) get the same body shape; anything else is a bug, answered 500
 * INTERNAL without a stack and logged in full on the daemon side.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { type ErrorCode, type ErrorIssue, FlotillaError, isFlotillaError } from '../domain/errors.js';

/** Every error response: `{error: {code, message, hint?, issues}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; hint?: string; issues: ErrorIssue[] };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** True when this is a bug rather than a refusal: log it with its stack. */
  internal: boolean;
}

/** Fastify's own errors carry a `statusCode` (and often an `FST_ERR_*` code). */
interface HttpLikeError {
  statusCode: number;
  message: string;
  code?: string;
  validation?: Array<{ instancePath?: string; message?: string }>;
}

const isHttpLikeError = (err: unknown): err is HttpLikeError =>
  err instanceof Error && typeof (err as { statusCode?: unknown }).statusCode === 'number';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  499: 'CANCELLED',
};

const FRAMEWORK_MESSAGES: Record<string, { message: string; hint?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    message: 'the request body is not valid JSON',
    hint: 'send a JSON object',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    message: 'the request body is empty but Content-Type says JSON',
    hint: 'send a JSON body, or no Content-Type header',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { message: 'the request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    message: 'unsupported Content-Type',
    hint: 'send application/json',
  },
};

export function errorResponse(err: unknown): ErrorResponse {
  if (isFlotillaError(err)) return { status: err.httpStatus, body: { error: err.toJSON() }, internal: false };
  if (isHttpLikeError(err) && err.statusCode >= 400 && err.statusCode < 500) {
    const known = err.code === undefined ? undefined : FRAMEWORK_MESSAGES[err.code];
    // A JSON syntax error from the body parser is a SyntaxError with statusCode 400.
    const message =
      known?.message ??
      (err instanceof SyntaxError ? `the request body is not valid JSON: ${err.message}` : err.message);
    const issues = (err.validation ?? []).map((v) => ({
      path: (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.'),
      message: v.message ?? 'invalid',
    }));
    const code = CODE_BY_STATUS[err.statusCode] ?? 'INVALID_INPUT';
    const body = new FlotillaError(code, message, {
      ...(known?.hint === undefined ? {} : { hint: known.hint }),
      issues,
    }).toJSON();
    return { status: err.statusCode, body: { error: body }, internal: false };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'INTERNAL',
        message: 'internal error in the Flotilla daemon',
        hint: 'this is a bug in Flotilla; the details are in the daemon log (logs/daemon.log in the state dir)',
        issues: [],
      },
    },
    internal: true,
  };
}

/** Routes every error and unknown route through `errorResponse`. */
export function installErrorHandling(app: FastifyInstance, log: FastifyBaseLogger): void {
  app.setErrorHandler((err, request, reply) => {
    const res = errorResponse(err);
    if (res.internal)
      log.error({ err, method: request.method, route: request.routeOptions.url }, 'request failed');
    else log.debug({ code: res.body.error.code, status: res.status }, 'request refused');
    if (res.status === 401) reply.header('WWW-Authenticate', 'Bearer');
    return reply.code(res.status).type('application/json; charset=utf-8').send(res.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const err = new FlotillaError(
      'NOT_FOUND',
      `no such endpoint: ${request.method} ${request.url.split('?')[0]}`,
      {
        hint: 'the API lives under /api/v1',
      },
    );
    return reply.code(404).send({ error: err.toJSON() } satisfies ErrorBody);
  });
}

/** Node's parser errors that come before any route: their status and what to tell the client. */
const PARSER_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'the request headers (or the URL) are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'the request took too long to arrive' },
  ERR_HTTP_HEADERS_TIMEOUT: { status: 408, message: 'the request headers took too long to arrive' },
};

/**
 * Fastify's `clientErrorHandler`: a request node could not even parse (oversized headers or URL,
 * malformed request line) gets the same error body and headers as every other refusal, on a
 * connection that is then closed.
 */
export function makeClientErrorHandler(headers: Readonly<Record<string, string>>) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const known = err.code === undefined ? undefined : PARSER_ERRORS[err.code];
    const status = known?.status ?? 400;
    const code: ErrorCode = status === 408 ? 'TIMEOUT' : 'INVALID_INPUT';
    const message = known?.message ?? 'the request is not valid HTTP';
    const body = JSON.stringify({ error: { code, message, issues: [] } } satisfies ErrorBody);
    const lines = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  };
}
