/**
 * The daemon's HTTP server: fastify with the guard (Host, Origin, token), one error mapping,
 * security headers, a body limit and secret-free request logs. Routes live under /api/v1;
 * other modules add theirs through `register` before the server listens.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { installErrorHandling } from './errors.js';
import { installGuard } from './guard.js';
import { systemRoutes } from './routes/system.js';

export const API_PREFIX = '/api/v1';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** A group of routes mounted under /api/v1, e.g. the task or agent routes. */
export type ApiRoutes = (api: FastifyInstance) => void | Promise<void>;

export interface ApiServerOptions {
  token: string;
  version: string;
  logger: FastifyBaseLogger;
  /** The configured bind address (`server.host`). */
  bindHost: string;
  /** `server.allowed_hosts`. */
  allowedHosts: readonly string[];
  bodyLimit?: number;
  /** Epoch ms the daemon started; default now. */
  startedAt?: number;
  /** Called (once the reply is out) when a client asks the daemon to stop. */
  onStopRequested: () => void;
  /** More route groups, mounted under /api/v1 after the built-in ones. */
  routes?: readonly ApiRoutes[];
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
} as const;

/** The URL with any `token=` query value hidden (login links carry the token). */
export const redactUrl = (url: string): string =>
  url.replace(/([?&](?:token|access_token)=)[^&#]*/gi, '$1[redacted]');

export async function buildApiServer(opts: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // We log one secret-free line per request ourselves; fastify's own lines would carry the raw URL.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const log = opts.logger;

  app.addHook('onRequest', async (request, reply) => {
    // Headers go on first, so refusals and errors carry them too. A route serving a page (the
    // dashboard) may replace the CSP with its own.
    reply.headers(SECURITY_HEADERS);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  installGuard(app, {
    token: opts.token,
    hostPolicy: () => {
      const address = app.server.address() as AddressInfo | null;
      return { port: address?.port, bindHost: opts.bindHost, allowedHosts: opts.allowedHosts };
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    log.debug(
      {
        method: request.method,
        url: redactUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  installErrorHandling(app, log);

  const startedAt = opts.startedAt ?? Date.now();
  await app.register(
    async (api) => {
      systemRoutes(api, { version: opts.version, startedAt, onStopRequested: opts.onStopRequested });
      for (const routes of opts.routes ?? []) await routes(api);
    },
    { prefix: API_PREFIX },
  );
  return app;
}
