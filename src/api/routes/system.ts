import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { collectRoutes, defineRoute } from '../define.js';
import { buildOpenApi, type OpenApiDocument } from '../openapi.js';
import { REFERENCE_PAGE_CSP, renderReferencePage } from '../reference-page.js';

/** What the system routes need from the daemon. */
export interface SystemRoutesOptions {
  version: string;
  /** Epoch ms at which the daemon started. */
  startedAt: number;
  /** Begins a graceful stop; called once the reply has been sent. */
  onStopRequested: () => void;
}

const HealthSchema = z.object({
  ok: z.literal(true),
  version: z.string().optional(),
  pid: z.number().int().optional(),
  uptimeSeconds: z.number().int().optional(),
});
const VersionSchema = z.object({
  version: z.string(),
  api: z.literal('v1'),
  node: z.string(),
  platform: z.string(),
});
const StoppingSchema = z.object({ ok: z.literal(true), stopping: z.literal(true), pid: z.number().int() });
/** The document is described by the OpenAPI 3.1 specification itself, not repeated here. */
const OpenApiSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  paths: z.record(z.string(), z.unknown()),
});

/**
 * Liveness, version, stop, and the API's own description. These are mounted first, so the
 * route collection started here sees every route of the API, whichever plugin adds it.
 */
export function systemRoutes(api: FastifyInstance, opts: SystemRoutesOptions): void {
  const routes = collectRoutes(api);
  // Built on first request: by then every plugin has mounted its routes.
  let doc: OpenApiDocument | undefined;
  let page: string | undefined;
  const document = () => {
    doc ??= buildOpenApi(routes.declared, opts.version, routes.undeclared);
    return doc;
  };

  // Public so a probe without credentials can tell "up" from "down", and nothing more.
  defineRoute(api, {
    method: 'GET',
    url: '/health',
    summary: 'Is the daemon up (with the token: version, pid, uptime)',
    tags: ['system'],
    public: true,
    response: { 200: HealthSchema },
    handler: async ({ request }) => {
      if (!request.authenticated) return { ok: true as const };
      return {
        ok: true as const,
        version: opts.version,
        pid: process.pid,
        uptimeSeconds: Math.round((Date.now() - opts.startedAt) / 1000),
      };
    },
  });

  defineRoute(api, {
    method: 'GET',
    url: '/version',
    summary: 'Daemon, API and Node.js versions',
    tags: ['system'],
    response: { 200: VersionSchema },
    handler: async () => ({
      version: opts.version,
      api: 'v1' as const,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    }),
  });

  defineRoute(api, {
    method: 'POST',
    url: '/daemon/stop',
    summary: 'Stop the daemon gracefully (agents keep running)',
    tags: ['system'],
    response: { 202: StoppingSchema },
    hooks: {
      // After the response, so the caller learns the stop was accepted before the socket closes.
      // The hook also runs after a refusal (a body that does not parse): only an accepted stop stops.
      onResponse: async (_request, reply) => {
        if (reply.statusCode === 202) setImmediate(opts.onStopRequested);
      },
    },
    handler: async ({ reply }) => {
      reply.code(202);
      return { ok: true as const, stopping: true as const, pid: process.pid };
    },
  });

  defineRoute(api, {
    method: 'GET',
    url: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['system'],
    response: { 200: OpenApiSchema },
    handler: async () => ({ ...document() }),
  });

  defineRoute(api, {
    method: 'GET',
    url: '/docs',
    summary: 'The API reference, rendered as one HTML page',
    tags: ['system'],
    produces: 'text/html',
    response: { 200: z.string() },
    handler: async ({ reply }) => {
      page ??= renderReferencePage(document());
      reply.header('content-security-policy', REFERENCE_PAGE_CSP).type('text/html; charset=utf-8');
      return page;
    },
  });
}
