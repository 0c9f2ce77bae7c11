/**
 * The daemon's HTTP(S) server: fastify with the guard (Host, Origin, credentials, rate), one
 * error mapping, security headers, a body limit and secret-free request logs. Routes live under
 * /api/v1; other modules add theirs through `register` before the server listens. The browser
 * login (`/login`, `/logout`, `POST /api/v1/login-codes`) lives here, next to the guard it feeds.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { z } from 'zod';
import { API_PREFIX } from '../domain/daemon-endpoints.js';
import { FlotillaError } from '../domain/errors.js';
import { defineRoute } from './define.js';
import { errorResponse, installErrorHandling, makeClientErrorHandler } from './errors.js';
import { hostForUrl, installGuard } from './guard.js';
import { LINK_REFUSED_PAGE, LOGIN_PAGE_CSP, wantsHtml } from './login-page.js';
import { RateLimiter, type RateLimits } from './rate-limit.js';
import { systemRoutes } from './routes/system.js';
import { LOGIN_CODE_TTL_MS, readCookie, SESSION_COOKIE, SessionStore, sessionCookie } from './session.js';

export { API_PREFIX };
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
  /** Route groups mounted at the site root, outside /api/v1 (the dashboard's pages). */
  rootRoutes?: readonly ApiRoutes[];
  /** Serve HTTPS with this PEM certificate and key (already read and checked). */
  tls?: { cert: string; key: string };
  /** Override the per-client rate limits (tests). */
  rateLimits?: RateLimits;
  /** Where dashboard sessions are kept across restarts (hashes only); memory only when absent. */
  sessionFile?: string;
  /** Recognises agents' own tokens (see guard.ts); without it only the API token and sessions count. */
  agentOfToken?: (presented: string) => string | null;
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
  url.replace(/([?&](?:token|access_token|code)=)[^&#]*/gi, '$1[redacted]');

const HSTS = 'max-age=31536000';

const LoginCodeSchema = z.object({
  code: z.string(),
  url: z.string(),
  expiresAt: z.string(),
  ttlSeconds: z.number(),
});

export async function buildApiServer(opts: ApiServerOptions): Promise<FastifyInstance> {
  // Typed as the plain http instance: routes never depend on the transport.
  const app = Fastify({
    ...(opts.tls === undefined ? {} : { https: { cert: opts.tls.cert, key: opts.tls.key } }),
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // We log one secret-free line per request ourselves; fastify's own lines would carry the raw URL.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // The router's own refusals (an over-long path parameter, a bad percent escape) answer
    // with the same error body as everything else.
    frameworkErrors: (err, _req, reply) => {
      const r = errorResponse(err);
      // The reply here is typed for a route's declared statuses; this one answers for any route.
      (reply as unknown as { code(status: number): { send(body: unknown): void } })
        .code(r.status)
        .send(r.body);
    },
    clientErrorHandler: makeClientErrorHandler({
      ...SECURITY_HEADERS,
      ...(opts.tls === undefined ? {} : { 'strict-transport-security': HSTS }),
    }),
  }) as unknown as FastifyInstance;
  const secure = opts.tls !== undefined;
  const sessions = new SessionStore(Date.now, opts.sessionFile);
  const log = opts.logger;

  app.addHook('onRequest', async (request, reply) => {
    // Headers go on first, so refusals and errors carry them too. A route serving a page (the
    // dashboard) may replace the CSP with its own.
    reply.headers(SECURITY_HEADERS);
    if (secure) reply.header('strict-transport-security', HSTS);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  installGuard(app, {
    token: opts.token,
    sessions,
    limiter: new RateLimiter(opts.rateLimits),
    ...(opts.agentOfToken === undefined ? {} : { agentOfToken: opts.agentOfToken }),
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
    // A refused WebSocket upgrade is answered over plain HTTP; nobody else will close its
    // socket, and a client could hold it (and the daemon's shutdown) open.
    if (!reply.raw.headersSent || request.headers.upgrade?.toLowerCase() !== 'websocket') return;
    const hijacked = (reply as { hijacked?: boolean }).hijacked === true;
    if (!hijacked && reply.statusCode >= 400) request.raw.socket.destroy();
  });
  installErrorHandling(app, log);

  // The login link opened in the browser: a single-use code becomes a session cookie. Public,
  // and in the strict 'login' rate class; a cross-site link to it is refused by the guard.
  app.get<{ Querystring: { code?: string } }>(
    '/login',
    { config: { public: true, rateLimit: 'login' } },
    async (request, reply) => {
      const code = typeof request.query.code === 'string' ? request.query.code : undefined;
      const id = sessions.redeem(code);
      if (id === null) {
        // A browser gets a page saying what to do; API clients keep the JSON error below.
        if (wantsHtml(request))
          return reply
            .code(401)
            .header('content-security-policy', LOGIN_PAGE_CSP)
            .header('cache-control', 'no-store')
            .type('text/html; charset=utf-8')
            .send(LINK_REFUSED_PAGE);
        throw new FlotillaError('UNAUTHORIZED', 'this login link is invalid, used or expired', {
          hint: 'run `flotilla web` for a fresh one (each link works once, within a minute)',
        });
      }
      return reply.header('set-cookie', sessionCookie(id, secure)).redirect('/', 303);
    },
  );
  app.post('/logout', async (request, reply) => {
    sessions.revoke(readCookie(request.headers.cookie, SESSION_COOKIE));
    return reply.header('set-cookie', sessionCookie(null, secure)).code(200).send({ ok: true });
  });

  const startedAt = opts.startedAt ?? Date.now();
  await app.register(
    async (api) => {
      systemRoutes(api, { version: opts.version, startedAt, onStopRequested: opts.onStopRequested });
      // Token holders only: a session cannot mint codes to hand to someone else.
      defineRoute(api, {
        method: 'POST',
        url: '/login-codes',
        summary: 'Mint a single-use browser login link (valid one minute); API token only',
        tags: ['system'],
        response: { 201: LoginCodeSchema },
        handler: async ({ request, reply }) => {
          if (request.authVia !== 'token') {
            throw new FlotillaError('FORBIDDEN', 'login codes are minted with the API token only');
          }
          const { code, expiresAt } = sessions.mintLoginCode();
          const address = app.server.address() as AddressInfo | null;
          const host = request.headers.host ?? hostForUrl(address?.address ?? '127.0.0.1');
          reply.code(201);
          return {
            code,
            url: `${secure ? 'https' : 'http'}://${host}/login?code=${code}`,
            expiresAt: new Date(expiresAt).toISOString(),
            ttlSeconds: LOGIN_CODE_TTL_MS / 1000,
          };
        },
      });
      for (const routes of opts.routes ?? []) await routes(api);
    },
    { prefix: API_PREFIX },
  );
  for (const routes of opts.rootRoutes ?? []) await routes(app);
  return app;
}
