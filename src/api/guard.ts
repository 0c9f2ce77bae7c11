/**
 * Who may talk to the daemon. Checks run on every request, HTTP or WebSocket upgrade, before
 * any route:
 * - Host: only the loopback names (or configured ones) at our port. A DNS-rebinding page
 *   reaches 127.0.0.1 under its own name, so its Host gives it away.
 * - Origin / Sec-Fetch-Site: a browser request from any other origin is refused, so a web page
 *   cannot drive local agents (nor hijack a WebSocket) even if it guessed everything else.
 * - Credentials: `Authorization: Bearer <token>` (constant time), the dashboard's session
 *   cookie, or, on a WebSocket upgrade only, `Sec-WebSocket-Protocol: flotilla.token.<token>`
 *   (browsers cannot set headers on a WebSocket). A cookie is sent by the browser on its own,
 *   so a cookie-authenticated state-changing request or upgrade must also carry our Origin.
 * - Rate: a token bucket per client (see rate-limit.ts), answered 429 with Retry-After.
 * Routes marked `config: { public: true }` run without credentials and must reveal nothing.
 * - Agent tokens (supervisor/agent-token.ts): a running agent's own, accepted only on routes
 *   marked `agentScoped` (its hook poke, permission requests, MCP tools) and only for its own
 *   `:id`; anywhere else 403, naming the agent.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FlotillaError } from '../domain/errors.js';
import { type RateClass, RateLimiter } from './rate-limit.js';
import { readCookie, SESSION_COOKIE, type SessionStore } from './session.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer without a token; the route must then reveal nothing. */
    public?: boolean;
    /** Rate-limit class for authenticated callers (default 'default'); false exempts the route. */
    rateLimit?: RateClass | false;
    /** An agent's own token may call it for its own `:id` (see define.ts). */
    agentScoped?: boolean;
  }
  interface FastifyRequest {
    /** The request carried valid credentials. */
    authenticated: boolean;
    /**
     * Which credentials: the API token (header or WebSocket subprotocol), a session cookie, or
     * an agent's own token (then `tokenAgent` names the agent).
     */
    authVia: 'token' | 'session' | 'agent' | null;
    tokenAgent: string | null;
  }
}

/** What the Host check accepts besides the loopback names. */
export interface HostPolicy {
  /** The port we listen on; undefined before listening (injected test requests). */
  port: number | undefined;
  /** The configured bind address, accepted as a name when it is a specific address. */
  bindHost: string;
  /** `server.allowed_hosts`: `name` (any port, or none) or `name:port`. */
  allowedHosts: readonly string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** `::1` → `[::1]`; names and IPv4 unchanged. */
export const hostForUrl = (host: string): string =>
  host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;

export function isAllowedHost(header: string | undefined, policy: HostPolicy): boolean {
  if (!header) return false;
  const value = header.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/.exec(value);
  if (!match) return false;
  const name = match[1] ?? '';
  const port = match[2] === undefined ? undefined : Number(match[2]);
  const portMatches = policy.port === undefined || port === policy.port;
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (!WILDCARDS.has(policy.bindHost)) names.add(hostForUrl(policy.bindHost.toLowerCase()));
  if (names.has(name) && portMatches) return true;
  for (const entry of policy.allowedHosts) {
    const e = entry.trim().toLowerCase();
    if (e === value) return true;
    // A bare name allows it on our port, or without a port (behind a proxy on 80/443).
    if (e === name && (port === undefined || portMatches)) return true;
  }
  return false;
}

/**
 * A browser request from another origin. `Origin` is sent on cross-origin fetches and on every
 * POST; `Sec-Fetch-Site` also on plain GETs (images, scripts, navigations). `same-site` is
 * refused too: another port on localhost is the same site but a different origin. Our own
 * origin is the (already checked) Host over http, or https behind a TLS-terminating proxy.
 */
export function isForeignBrowserRequest(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  const host = request.headers.host?.toLowerCase();
  const own = origin?.toLowerCase();
  if (origin !== undefined && own !== `http://${host}` && own !== `https://${host}`) return origin;
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return origin ?? `a ${site} page`;
  return null;
}

/**
 * A user following a link to the dashboard (from a chat message, a notification, another
 * site): a top-level GET of a page, never of the API. The page itself holds no data, and the
 * session cookie is SameSite=Strict, so nothing is revealed or changed until the page's own
 * same-origin requests run.
 */
export function isPageNavigation(request: FastifyRequest): boolean {
  return (
    request.method === 'GET' &&
    request.headers['sec-fetch-mode'] === 'navigate' &&
    request.headers['sec-fetch-dest'] === 'document' &&
    !isApiPath(request.url) &&
    request.headers.upgrade === undefined
  );
}

/**
 * Whether a request URL reaches the API, judged on the path as the router sees it: the router
 * decodes `%61pi` to `api`, so the raw text would let `/%61pi/v1/agents` pass as a page. Dot
 * segments are resolved and repeated slashes collapsed; a path that does not decode counts as
 * the API (refusing a page is harmless, serving the API to a foreign page is not).
 */
export function isApiPath(url: string): boolean {
  let path: string;
  try {
    // A fixed base, so `//api/…` stays a path instead of naming a host.
    path = decodeURIComponent(new URL(`http://flotilla.invalid${url}`).pathname);
    path = new URL(`http://flotilla.invalid${path.replace(/\/{2,}/g, '/')}`).pathname;
  } catch {
    return true;
  }
  path = path.replace(/\/{2,}/g, '/').toLowerCase();
  return path === '/api' || path.startsWith('/api/');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time: both sides are hashed first, so neither length nor prefix leaks through timing. */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(token));
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** The API token offered as a WebSocket subprotocol, on upgrade requests only. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'flotilla.token.';

export function subprotocolToken(request: FastifyRequest): string | undefined {
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return undefined;
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return undefined;
  for (const p of header.split(',')) {
    const v = p.trim();
    if (v.startsWith(WS_TOKEN_PROTOCOL_PREFIX)) return v.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const isUpgrade = (request: FastifyRequest) => request.headers.upgrade !== undefined;

export interface GuardOptions {
  token: string;
  hostPolicy: () => HostPolicy;
  sessions: SessionStore;
  limiter?: RateLimiter;
  /** The agent whose own token this is, or null (see supervisor/agent-token.ts). */
  agentOfToken?: (presented: string) => string | null;
}

/** An agent token may call an agent-scoped route, for its own agent only. */
function agentMayCall(request: FastifyRequest): boolean {
  const params = request.params as Record<string, unknown> | undefined;
  return request.routeOptions.config.agentScoped === true && params?.id === request.tokenAgent;
}

function refuseRate(reply: FastifyReply, retryAfter: number): never {
  reply.header('retry-after', String(retryAfter));
  throw new FlotillaError('RATE_LIMITED', 'too many requests', {
    hint: `slow down; retry after ${retryAfter} s`,
  });
}

/** Installs the checks as the first hook of every request. */
export function installGuard(app: FastifyInstance, opts: GuardOptions): void {
  const limiter = opts.limiter ?? new RateLimiter();
  app.decorateRequest('authenticated', false);
  app.decorateRequest('authVia', null);
  app.decorateRequest('tokenAgent', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!isAllowedHost(request.headers.host, opts.hostPolicy())) {
      throw new FlotillaError(
        'FORBIDDEN',
        `requests for host '${request.headers.host ?? ''}' are not accepted`,
        {
          hint: 'use http://127.0.0.1:<port> or http://localhost:<port>, or add the name to server.allowed_hosts',
        },
      );
    }
    const foreign = isForeignBrowserRequest(request);
    if (foreign !== null && !isPageNavigation(request)) {
      throw new FlotillaError('FORBIDDEN', `cross-origin requests are refused (from ${foreign})`, {
        hint: 'only the Flotilla dashboard served by this daemon may call its API from a browser',
      });
    }
    const bearer = bearerToken(request);
    // The cookie is read only when the token did not prove the caller (the CLI's every call).
    const byToken = tokenMatches(bearer ?? subprotocolToken(request), opts.token);
    const session = byToken ? undefined : readCookie(request.headers.cookie, SESSION_COOKIE);
    if (byToken) {
      request.authVia = 'token';
    } else if (opts.sessions.isValid(session)) {
      request.authVia = 'session';
    } else if (bearer !== undefined && opts.agentOfToken) {
      request.tokenAgent = opts.agentOfToken(bearer);
      if (request.tokenAgent !== null) request.authVia = 'agent';
    }
    request.authenticated = request.authVia !== null;
    const config = request.routeOptions.config;
    // Unproven callers share one bucket per address, so guessing credentials is slow.
    const cls: RateClass | false = !request.authenticated
      ? config.rateLimit === 'login'
        ? 'login'
        : 'anonymous'
      : (config.rateLimit ??
        (request.routeOptions.url?.endsWith('/hook-events') === true ? 'hooks' : 'default'));
    if (cls !== false) {
      const key =
        cls === 'anonymous' || cls === 'login'
          ? `ip:${request.ip}`
          : request.authVia === 'session'
            ? `s:${session}`
            : request.authVia === 'agent'
              ? `a:${request.tokenAgent}`
              : 'token';
      const wait = limiter.take(cls, key);
      if (wait > 0) refuseRate(reply, wait);
    }
    if (!request.authenticated && config.public !== true) {
      throw new FlotillaError('UNAUTHORIZED', 'missing or wrong API token', {
        hint: "send 'Authorization: Bearer <token>' with the token from the state dir's token file (the CLI does this itself); in a browser, log in with the link `flotilla web` prints",
      });
    }
    if (request.authVia === 'agent' && !agentMayCall(request)) {
      throw new FlotillaError(
        'FORBIDDEN',
        `this is agent ${request.tokenAgent}'s own token: it may act only as that agent (its hook events, permission requests and MCP tools), never on another agent`,
        {
          hint: "an agent's token serves its own hook pokes, permission requests and MCP tool calls (tasks of its repo, progress, questions, review) only; driving agents (approve, deny, answer, send…) takes the user's API token",
        },
      );
    }
    // The browser attaches the cookie to any request to us, wherever it comes from; only a
    // request that names our origin is the dashboard's own (CSRF and WebSocket hijacking).
    if (
      request.authVia === 'session' &&
      (!SAFE_METHODS.has(request.method) || isUpgrade(request)) &&
      request.headers.origin === undefined
    ) {
      throw new FlotillaError(
        'FORBIDDEN',
        'a cookie-authenticated request that changes state needs an Origin',
        {
          hint: 'browsers send Origin themselves; other clients should use the API token',
        },
      );
    }
  });
}
