/**
 * Who may talk to the daemon. Three checks run on every request, before any route:
 * - Host: only the loopback names (or configured ones) at our port. A DNS-rebinding page
 *   reaches 127.0.0.1 under its own name, so its Host gives it away.
 * - Origin / Sec-Fetch-Site: a browser request from any other origin is refused, so a web page
 *   cannot drive local agents even if it guessed everything else.
 * - Token: `Authorization: Bearer <token>`, compared in constant time. Routes marked
 *   `config: { public: true }` run without it and must reveal nothing (see health).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FlotillaError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer without a token; the route must then reveal nothing. */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The request carried the right token. */
    authenticated: boolean;
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

export interface GuardOptions {
  token: string;
  hostPolicy: () => HostPolicy;
}

/** Installs the three checks as the first hook of every request. */
export function installGuard(app: FastifyInstance, opts: GuardOptions): void {
  app.decorateRequest('authenticated', false);
  app.addHook('onRequest', async (request) => {
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
    if (foreign !== null) {
      throw new FlotillaError('FORBIDDEN', `cross-origin requests are refused (from ${foreign})`, {
        hint: 'only the Flotilla dashboard served by this daemon may call its API from a browser',
      });
    }
    request.authenticated = tokenMatches(bearerToken(request), opts.token);
    if (!request.authenticated && request.routeOptions.config.public !== true) {
      throw new FlotillaError('UNAUTHORIZED', 'missing or wrong API token', {
        hint: "send 'Authorization: Bearer <token>' with the token from the state dir's token file (the CLI does this itself)",
      });
    }
  });
}
