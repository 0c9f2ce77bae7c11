/**
 * The route table: each route is declared once with its zod schemas, which both validate the
 * request (INVALID_INPUT naming each bad field, never a 5xx) and describe it in the OpenAPI
 * document. The declaration rides on the fastify route's config, so the document is collected
 * from what is actually registered (see `collectRoutes`) and cannot drift from it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../domain/errors.js';
import { parseBody, parseInput } from './validate.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `{error: {code, message, hint?, issues}}`: the body of every 4xx and 5xx answer. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    hint: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

/** What a handler gets: its parsed input, and the raw request and reply for the rare extra. */
export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** One route: how it is reached, what it takes, what it answers (by status), and who may call it. */
export interface RouteDef<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Record<number, Schema> = Record<number, Schema>,
> {
  method: HttpMethod;
  /** Fastify syntax, relative to /api/v1: `/tasks/:id`. */
  url: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Success answers by status; errors are documented for every route. */
  response: R;
  /** The media type of the success body; default JSON. */
  produces?: 'application/json' | 'text/html';
  /** Served without the token (and then must reveal nothing). */
  public?: boolean;
  /**
   * An agent's own token (agent-token.ts) may call it, for that agent's `:id` only: the hook
   * poke, the permission requests and the MCP tools' routes. Every other route refuses agent tokens.
   */
  agentScoped?: boolean;
  /** Fastify hooks that must run around this route (e.g. onResponse). */
  hooks?: Pick<RouteShorthandOptions, 'onResponse'>;
  /** Returns the body; set another success status with `reply.code()`. */
  handler: (input: RouteInput<P, Q, B>) => Promise<z.input<R[keyof R]>>;
}

/** A route as the OpenAPI document sees it: the declaration without the handler, full path. */
export interface RouteDoc {
  method: HttpMethod;
  /** The full fastify URL, with the /api/v1 prefix. */
  url: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  params?: Schema;
  query?: Schema;
  body?: Schema;
  response: Record<number, Schema>;
  produces: 'application/json' | 'text/html';
  public: boolean;
  agentScoped: boolean;
}

/** A registered route that was not declared through defineRoute (the contract test wants none). */
export interface UndeclaredRoute {
  method: string;
  url: string;
  websocket: boolean;
}

/** Registers one route on `api` with input parsing; the declaration is kept for the document. */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Record<number, Schema> = Record<number, Schema>,
>(api: FastifyInstance, def: RouteDef<P, Q, B, R>): void {
  const doc: Omit<RouteDoc, 'url'> = {
    method: def.method,
    summary: def.summary,
    ...(def.description === undefined ? {} : { description: def.description }),
    tags: def.tags,
    ...(def.params ? { params: def.params } : {}),
    ...(def.query ? { query: def.query } : {}),
    ...(def.body ? { body: def.body } : {}),
    response: def.response,
    produces: def.produces ?? 'application/json',
    public: def.public ?? false,
    agentScoped: def.agentScoped ?? false,
  };
  api.route({
    method: def.method,
    url: def.url,
    config: { public: def.public ?? false, agentScoped: def.agentScoped ?? false, route: doc },
    ...(def.hooks ?? {}),
    handler: async (request, reply) => {
      // Params first: a bad id is the clearest complaint. Absent schemas mean "takes nothing",
      // and the query is then not checked so that cache-busting parameters stay harmless.
      const params = (def.params ? parseInput(def.params, request.params, 'path') : undefined) as Out<P>;
      const query = (def.query ? parseInput(def.query, request.query, 'query') : undefined) as Out<Q>;
      const body = (def.body ? parseBody(def.body, request.body) : undefined) as Out<B>;
      return def.handler({ params, query, body, request, reply });
    },
  });
}

/** The routes registered on an instance (and its children), as they are added. */
export interface RouteCollection {
  declared: RouteDoc[];
  undeclared: UndeclaredRoute[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by defineRoute: the declaration the OpenAPI document is built from. */
    route?: Omit<RouteDoc, 'url'>;
  }
}

/**
 * Watches every route registered on `api` from now on. Call it before the routes are added;
 * HEAD twins of GET routes (fastify adds them) are left out.
 */
export function collectRoutes(api: FastifyInstance): RouteCollection {
  const out: RouteCollection = { declared: [], undeclared: [] };
  api.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const declared = route.config?.route;
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (declared) out.declared.push({ ...declared, url: route.url });
      else
        out.undeclared.push({
          method,
          url: route.url,
          websocket: Boolean((route as { websocket?: boolean }).websocket),
        });
    }
  });
  return out;
}
