/**
 * Serves the built web dashboard (the Vite output: index.html plus hashed files under
 * assets/) from the site root. The files are public: they hold no data, and every API call the
 * page makes still needs the session cookie or the token; the guard's Host and Origin checks
 * apply as to any request. Any GET that asks for HTML and names no file gets index.html, so
 * the dashboard's own routes (`/agents/abc`, `/tasks`) survive a reload. `/api/…` is never a
 * page: an unknown API path stays the API's JSON 404 (or 401 without credentials).
 */
import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FlotillaError } from '../domain/errors.js';

/** The dashboard page's policy: its own scripts and styles only, the API and stream on this origin. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Hashed build output: its name changes with its content, so it may be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page itself: always revalidated (cheap with its ETag), so a rebuild shows at once. */
const REVALIDATE = 'no-cache';

export interface DashboardOptions {
  /** The built web app's folder (holds index.html). */
  root: string;
}

/** The folder's file for a URL path, relative to `root`; null for anything not a plain file in it. */
function fileFor(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // Dot segments and dotfiles are never served (nor `..`), whatever the file system holds.
  if (path.includes('\0') || path.split('/').some((part) => part.startsWith('.'))) return null;
  const full = resolve(root, `.${path}`);
  if (!full.startsWith(root + sep)) return null;
  try {
    return statSync(full).isFile()
      ? full
          .slice(root.length + 1)
          .split(sep)
          .join('/')
      : null;
  } catch {
    return null;
  }
}

const exists = (file: string): boolean => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

const wantsHtml = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/html');
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Flotilla: dashboard not built</title></head>
<body>
<h1>The Flotilla dashboard is not built</h1>
<p>This daemon serves the dashboard from its build output, which is missing. In the Flotilla
source folder, run <code>npm run build</code>, then reload this page.</p>
<p>The API works without it: <code>flotilla ps</code>, <code>flotilla --help</code>.</p>
</body>
</html>
`;

function htmlHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', DASHBOARD_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', REVALIDATE);
}

/** Mounts the dashboard at `/` on the root instance (not under /api/v1). */
export async function mountDashboard(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const root = resolve(opts.root);
  await app.register(async (scope) => {
    // Files are sent by our handler (reply.sendFile), which decides what a path means first.
    await scope.register(fastifyStatic, {
      root,
      serve: false,
      preCompressed: true,
      dotfiles: 'deny',
      index: false,
      cacheControl: false,
    });
    scope.route({
      method: 'GET',
      url: '/*',
      config: { public: true },
      handler: async (request, reply) => {
        const path = request.url.split('?')[0] ?? '/';
        if (path === '/api' || path.startsWith('/api/')) {
          // What the API answers for a path it does not have: the guard would have asked for
          // credentials first, had this public route not caught the path.
          if (!request.authenticated) {
            throw new FlotillaError('UNAUTHORIZED', 'missing or wrong API token', {
              hint: "send 'Authorization: Bearer <token>' with the token from the state dir's token file",
            });
          }
          return reply.callNotFound();
        }
        if (request.headers.upgrade !== undefined) return reply.callNotFound();
        const file = fileFor(root, path);
        if (file !== null && file !== 'index.html') {
          if (file.endsWith('.html')) htmlHeaders(reply);
          else reply.header('cache-control', file.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
          // The body depends on Accept-Encoding (a .gz/.br sibling may be sent): caches must know.
          reply.header('vary', 'accept-encoding');
          return reply.sendFile(file, root);
        }
        if (file === null && path !== '/' && !wantsHtml(request)) return reply.callNotFound();
        if (!exists(resolve(root, 'index.html'))) {
          return reply
            .code(503)
            .header('cache-control', 'no-store')
            .type('text/html; charset=utf-8')
            .send(NOT_BUILT_PAGE);
        }
        htmlHeaders(reply);
        return reply.sendFile('index.html', root);
      },
    });
  });
}
