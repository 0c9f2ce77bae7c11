/**
 * The OpenAPI 3.1 document, generated from the route table: every declared route with its
 * parameters, body and answers as JSON Schema 2020-12 (what 3.1 uses), converted from the same
 * zod schemas that validate the requests. Errors share one body schema; the token is a bearer
 * security scheme required everywhere except public routes.
 */
import { z } from 'zod';
import { ErrorBodySchema, type RouteDoc, type UndeclaredRoute } from './define.js';
import { NAMED_SCHEMAS } from './routes/schemas.js';

/** A JSON Schema object as the document carries it. */
export type JsonSchema = Record<string, unknown>;

/** One operation's parameter. */
export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content: Record<string, { schema: JsonSchema }> }>;
  security?: Record<string, string[]>[];
  /** Set on a route registered without defineRoute: listed so nothing is hidden, but not described. */
  'x-undocumented'?: true;
  /** Set on a WebSocket upgrade route. */
  'x-websocket'?: true;
}

/** The document; paths are full (`/api/v1/tasks/{id}`) and keyed by lower-case method. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, Record<string, string>>;
  };
  security: Record<string, string[]>[];
  tags: { name: string }[];
}

/** A zod schema as JSON Schema 2020-12: `input` for what clients send, `output` for answers. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    // Preprocessing steps (comma lists in queries) have no JSON form: accept anything there and
    // let the schema after them say what is valid.
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  return rest;
}

/** `/tasks/:id` → `/tasks/{id}`. */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const ERROR_REF = { $ref: '#/components/schemas/Error' };

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): OpenApiParameter[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const props = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

function operationId(route: RouteDoc): string {
  const words = route.url
    .replace(/^\/api\/v1\//, '')
    .split(/[/:-]/)
    .filter(Boolean);
  return [route.method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join('');
}

/** A body with no required field may be left out (the daemon reads a missing body as `{}`). */
const requestBody = (schema: JsonSchema): NonNullable<OpenApiOperation['requestBody']> => ({
  required: Array.isArray(schema.required) && schema.required.length > 0,
  content: { 'application/json': { schema } },
});

function operation(route: RouteDoc): OpenApiOperation {
  const responses: OpenApiOperation['responses'] = {};
  for (const [status, schema] of Object.entries(route.response)) {
    responses[status] = {
      description: route.summary,
      content: {
        [route.produces]: {
          schema: route.produces === 'text/html' ? { type: 'string' } : jsonSchema(schema, 'output'),
        },
      },
    };
  }
  const errorContent = { 'application/json': { schema: ERROR_REF } };
  responses['4XX'] = {
    description: 'Refused: bad input (INVALID_INPUT with field paths), missing token, unknown id, conflict…',
    content: errorContent,
  };
  responses['5XX'] = { description: 'A bug in the daemon, or the daemon is stopping', content: errorContent };
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [...route.tags],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: requestBody(jsonSchema(route.body, 'input')),
        }
      : {}),
    responses,
    ...(route.public ? { security: [] } : {}),
    ...(route.agentScoped ? { security: [{ bearer: [] }, { agentToken: [] }] } : {}),
  };
}

/** A route registered without a declaration: listed (so nothing is hidden) but not described. */
function undeclaredOperation(route: UndeclaredRoute): OpenApiOperation {
  const errorContent = { 'application/json': { schema: ERROR_REF } };
  return {
    operationId: operationId({ method: route.method as RouteDoc['method'], url: route.url } as RouteDoc),
    summary: route.websocket ? 'WebSocket endpoint' : 'Undocumented route',
    tags: [route.websocket ? 'stream' : 'undocumented'],
    parameters: [],
    responses: {
      ...(route.websocket
        ? { '101': { description: 'Switching to the WebSocket protocol', content: {} } }
        : {}),
      '4XX': { description: 'Refused', content: errorContent },
    },
    ...(route.websocket ? { 'x-websocket': true as const } : { 'x-undocumented': true as const }),
  };
}

/** Builds the document from the declared routes (in registration order), listing undeclared ones too. */
export function buildOpenApi(
  routes: readonly RouteDoc[],
  version: string,
  undeclared: readonly UndeclaredRoute[] = [],
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const route of undeclared) {
    const path = openApiPath(route.url);
    paths[path] ??= {};
    (paths[path] as Record<string, OpenApiOperation>)[route.method.toLowerCase()] =
      undeclaredOperation(route);
  }
  for (const route of routes) {
    const path = openApiPath(route.url);
    paths[path] ??= {};
    (paths[path] as Record<string, OpenApiOperation>)[route.method.toLowerCase()] = operation(route);
    for (const t of route.tags) tags.add(t);
  }
  const schemas: Record<string, JsonSchema> = { Error: jsonSchema(ErrorBodySchema, 'output') };
  for (const [name, schema] of Object.entries(NAMED_SCHEMAS)) schemas[name] = jsonSchema(schema, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flotilla daemon API',
      version,
      description:
        'Drives the Flotilla daemon: repos, tasks, agents, worktrees, events. Every request needs the token ' +
        '(Authorization: Bearer <token>; the token file is in the state dir). Errors answer ' +
        '{error: {code, message, hint?, issues: [{path, message}]}}.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token stored (mode 0600) in the state dir as `token`.',
        },
        agentToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            "An agent's own token (FLOTILLA_AGENT_TOKEN in its environment): accepted only on the routes that list it, for that agent's own id.",
        },
      },
    },
    security: [{ bearer: [] }],
    tags: [...tags].map((name) => ({ name })),
  };
}
