import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from '../../../src/api/openapi.js';
import { rawRequest } from '../daemon/helpers.js';
import { type ApiFixture, startApiFixture } from './contract-fixture.js';

// Property-based fuzzing of every route of a real daemon, driven by the OpenAPI document: inputs
// are built from each route's own parameter and body schemas, mostly almost-valid, often junk,
// sent over several transports (JSON, broken JSON, wrong media type, no body). Whatever arrives,
// the daemon answers below 500, every refusal carries the error body, every success matches the
// document, and the daemon is still up at the end. The data is this test's own, so destructive
// routes run for real — except stopping the daemon, which only gets bodies that cannot parse.

const P = '/api/v1';
/** Runs per route; raise it (FUZZ_RUNS=500) to hunt for rare failures. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
let fx: ApiFixture;
let doc: OpenApiDocument;
const ids: string[] = [];
const ajv = new Ajv2020({ strict: false });
formats.default(ajv);

beforeAll(async () => {
  fx = await startApiFixture('fuzz');
  doc = (await fx.call('GET', `${P}/openapi.json`)).json as OpenApiDocument;
  const repo = (await fx.call('POST', `${P}/repos`, { path: fx.repo.path })).json as { repo: { id: string } };
  ids.push(repo.repo.id);
  for (const title of ['alpha', 'beta', 'gamma']) {
    const task = (await fx.call('POST', `${P}/tasks`, { repoId: repo.repo.id, title, prompt: 'p' })).json as {
      id: string;
    };
    ids.push(task.id, task.id.slice(0, 3));
  }
  const agent = await fx.call('POST', `${P}/agents`, { task: ids[1] });
  expect(agent.status, agent.text).toBe(201);
  const { id, worktreePath } = agent.json as { id: string; worktreePath: string };
  ids.push(id);
  // Work on its branch, so review and landing routes have something real to take too.
  await fx.repo.commit({ 'alpha.txt': 'alpha\n' }, 'alpha work', worktreePath);
}, 30_000);

afterAll(async () => {
  await fx?.cleanup();
});

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constant('x'.repeat(70_000)),
  fc.constant({ __proto__: { polluted: true }, constructor: { prototype: {} } }),
  fc.constant(null),
);

/** Text a user (or an attacker) might put where an id or a word goes. */
const text: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...(['', '..', '%', 'null', '-1', '1e309', 'true', '\u0000', '😀'] as const)),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer().map(String),
  fc.constant('a'.repeat(5000)),
);

/** Values of a JSON Schema: mostly of the right shape, sometimes anything at all. */
function arbitraryOf(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 3) return junk;
  let good: fc.Arbitrary<unknown> = junk;
  const type = schema.type;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) good = fc.constantFrom(...schema.enum);
  else if (Array.isArray(schema.anyOf))
    good = fc.oneof(...(schema.anyOf as JsonSchema[]).map((s) => arbitraryOf(s, depth + 1)));
  else if (type === 'string') good = fc.oneof(text, fc.constantFrom(...ids));
  else if (type === 'integer') good = fc.oneof(fc.integer(), fc.integer({ min: 0, max: 20 }));
  else if (type === 'number') good = fc.double();
  else if (type === 'boolean') good = fc.boolean();
  else if (type === 'array')
    good = fc.array(arbitraryOf((schema.items ?? {}) as JsonSchema, depth + 1), { maxLength: 4 });
  else if (type === 'object') {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, arbitraryOf(s, depth + 1)]));
    good = fc
      .tuple(fc.record(model, { requiredKeys: [] }), fc.option(fc.tuple(fc.string({ maxLength: 8 }), junk)))
      .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o));
  }
  return fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: junk, weight: 1 });
}

/** A query value as it travels: a string, or a list (the key repeated). */
/** Any value as text, whatever its prototype. */
const str = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

const queryValue = (schema: JsonSchema): fc.Arbitrary<string | string[]> =>
  arbitraryOf(schema).map((v) => {
    // Within Node's 16 KiB header limit: beyond it the HTTP parser answers (see its own test).
    const cut = (x: string) => x.slice(0, 4000);
    if (Array.isArray(v)) return v.map((x) => cut(str(x)));
    return cut(str(v));
  });

type Transport = 'json' | 'broken-json' | 'text' | 'none' | 'empty-json';

interface FuzzRequest {
  path: string;
  query: string;
  body: unknown;
  transport: Transport;
}

function requestArbitrary(path: string, method: string, op: OpenApiOperation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const pathArb = fc
    .tuple(
      ...pathParams.map((p) =>
        fc.tuple(
          fc.constant(p.name),
          // The router refuses params over 100 characters itself (see its own test).
          fc.oneof(
            fc.constantFrom(...ids),
            text.map((t) => t.slice(0, 30)),
          ),
          fc.boolean(),
        ),
      ),
    )
    .map((values) =>
      values.reduce(
        // Raw values (dots, tildes, `..`) reach the router as typed; anything else is encoded,
        // as a client must (a bad escape is the router's own 400, tested on its own).
        (acc, [name, value, raw]) =>
          acc.replace(`{${name}}`, raw && /^[\w.~-]*$/.test(value) ? value : encodeURIComponent(value)),
        path,
      ),
    );
  const queryArb = fc
    .tuple(
      fc.record(Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p.schema)])), {
        requiredKeys: [],
      }),
      fc.option(
        fc.constantFrom('&%ZZ=1', '&a[b]=c&&=', '&limit=1&limit=2', `&${encodeURIComponent('\u0000')}=x`),
      ),
    )
    .map(([values, raw]) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) for (const item of [v].flat()) q.append(k, str(item));
      const s = q.toString() + (raw ?? '');
      return s === '' ? '' : `?${s}`;
    });
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  const bodyArb = bodySchema ? arbitraryOf(bodySchema) : fc.oneof(fc.constant(undefined), junk);
  const transports: Transport[] =
    method === 'post' && path.endsWith('/daemon/stop')
      ? ['broken-json']
      : ['json', 'json', 'json', 'broken-json', 'text', 'none', 'empty-json'];
  return fc.record({
    path: pathArb,
    query: queryArb,
    body: bodyArb,
    transport: fc.constantFrom(...transports),
  });
}

async function send(method: string, req: FuzzRequest) {
  const url = `${req.path}${req.query}`;
  let body = req.body;
  // A relative path would be read from the test's cwd (this checkout): keep repo paths inside a
  // directory that does not exist, so the fuzzer never registers a real repo.
  if (url.endsWith('/repos') && body && typeof body === 'object' && 'path' in body) {
    const p = (body as { path: unknown }).path;
    if (typeof p === 'string') body = { ...body, path: join(fx.home.dir, 'nowhere', p) };
  }
  switch (req.transport) {
    case 'json':
      return fx.call(method, url, body === undefined ? undefined : JSON.stringify(body));
    case 'broken-json':
      return fx.call(method, url, `{"title": ${JSON.stringify(str(body)).slice(0, 20)}`);
    case 'text':
      return fx.call(method, url, str(body) || 'x', { 'content-type': 'text/plain' });
    case 'empty-json':
      return fx.call(method, url, '', { 'content-type': 'application/json' });
    case 'none':
      return fx.call(method, url);
  }
}

/** The daemon's logged errors (a 5xx is logged there with its stack), for the failure message. */
function daemonErrors(): string {
  const file = join(fx.home.paths.logDir, 'daemon.log');
  if (!existsSync(file)) return '(no daemon log)';
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"level":50') || l.includes('"level":"error"'))
    .slice(-3)
    .join('\n');
}

const errorSchema = () => ajv.compile(doc.components.schemas.Error ?? {});

describe('fuzzing every route', () => {
  it('never answers 5xx, refuses with the error body, and answers as documented', async () => {
    const validateError = errorSchema();
    const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod)
        .filter(([, op]) => !op['x-websocket'])
        .map(([method, op]) => ({ path, method, op })),
    );
    expect(ops.length).toBeGreaterThan(25);
    let requests = 0;
    const accepted = new Set<string>();
    for (const { path, method, op } of ops) {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(path, method, op), async (req) => {
          const res = await send(method.toUpperCase(), req);
          requests++;
          const what = `${method.toUpperCase()} ${req.path}${req.query} (${req.transport}) → ${res.status}: ${res.text.slice(0, 300)}`;
          if (res.status >= 500) expect.fail(`${what}\n${daemonErrors()}`);
          if (res.status < 300) accepted.add(`${method} ${path}`);
          if (res.status >= 400) expect(validateError(res.json), what).toBe(true);
          else {
            const content = op.responses[String(res.status)]?.content['application/json'];
            expect(op.responses[String(res.status)], `undocumented status: ${what}`).toBeDefined();
            if (content)
              expect(ajv.validate(content.schema, res.json), `${what}\n${ajv.errorsText()}`).toBe(true);
          }
        }),
        { numRuns: RUNS },
      );
    }
    expect(requests).toBeGreaterThanOrEqual(ops.length * RUNS);
    // Not only refusals: most routes also took some generated input as valid.
    expect(accepted.size, [...accepted].join(', ')).toBeGreaterThan(ops.length / 2);
  }, 120_000);

  it('refuses a body over the limit with the error body', async () => {
    const res = await fx.call('POST', `${P}/tasks`, JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(errorSchema()(res.json)).toBe(true);
  });

  it('refuses requests the HTTP parser or the router rejects with a 4xx, and lives', async () => {
    const validateError = errorSchema();
    const long = await fx.call('GET', `${P}/tasks?label=${'x'.repeat(70_000)}`);
    const longParam = await fx.call('GET', `${P}/tasks/${'a'.repeat(200)}`);
    const badEscape = await fx.call('GET', `${P}/tasks/%E0%A4%A`);
    const unframed = await rawRequest(`${fx.daemon.url}${P}/tasks`, {
      headers: { authorization: `Bearer ${fx.daemon.token}`, 'content-type': 'application/json' },
      body: '{"title": "no length"}',
    });
    for (const res of [long, longParam, badEscape, unframed]) {
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      expect(res.status, res.text).toBeLessThan(500);
    }
    // The router's own refusals (param too long, bad escape) still answer fastify's body: the
    // server needs a `frameworkErrors` handler for them. The parser's refusals are mapped already.
    for (const res of [long, unframed]) expect(validateError(res.json), res.text).toBe(true);
  });

  // Found by the fuzzer: an id of `..` was resolved by the test's own HTTP client, so the request
  // went to another route. Sent as typed, dot segments are ids like any other.
  it('routes dot segments as typed: `..` as an agent id is refused as an id, not sent to another route', async () => {
    const validateError = errorSchema();
    for (const id of ['..', '.']) {
      const res = await fx.call('GET', `${P}/agents/${id}/logs`);
      expect(res.status, res.text).toBe(400);
      expect(validateError(res.json), res.text).toBe(true);
      expect((res.json as { error: { code: string } }).error.code).toBe('INVALID_ID');
    }
  });

  // Found by the fuzzer: restarting an agent whose worktree the user removed was a 500. It is a
  // conflict to explain, checked before the agent is touched.
  it('answers a 4xx when restarting an agent whose worktree was cleaned away', async () => {
    const repoId = ids[0] as string;
    // In the backlog: the fuzzer's own POST /scheduler/watch turned the dispatcher on, and it
    // would start a todo task itself, racing this test's start.
    const task = (
      await fx.call('POST', `${P}/tasks`, { repoId, title: 'doomed', prompt: 'p', status: 'backlog' })
    ).json as {
      id: string;
    };
    const agent = (await fx.call('POST', `${P}/agents`, { task: task.id })).json as { id: string };
    expect((await fx.call('POST', `${P}/agents/${agent.id}/stop`)).status).toBe(200);
    const clean = (await fx.call('POST', `${P}/worktrees/clean`, { force: true })).json as {
      removed: { branch: string }[];
    };
    expect(clean.removed.length).toBeGreaterThan(0);
    const res = await fx.call('POST', `${P}/agents/${agent.id}/restart`);
    expect(res.status, res.text).toBe(409);
    expect(res.json).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(((await fx.call('GET', `${P}/agents/${agent.id}`)).json as { status: string }).status).toBe(
      'stopped',
    );
  });

  it('is still up and answering afterwards', async () => {
    const res = await fx.call('GET', `${P}/health`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, pid: process.pid });
  });
});
