import { createHash } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonSchema, OpenApiDocument } from '../../../src/api/openapi.js';
import { type ApiFixture, startApiFixture } from './contract-fixture.js';

// Every route of a real daemon (core + supervisor, real git, real tmux) is called with real data,
// and each answer is validated with a JSON Schema 2020-12 validator against the schema the
// OpenAPI document gives for that route and status.

const P = '/api/v1';
let fx: ApiFixture;
let doc: OpenApiDocument;
const seen = new Set<string>();
const ajv = new Ajv2020({ strict: false, allErrors: true });
// A CommonJS module whose default export is also its `default` property.
formats.default(ajv);

beforeAll(async () => {
  fx = await startApiFixture('contract');
  const res = await fx.call('GET', `${P}/openapi.json`);
  expect(res.status).toBe(200);
  doc = res.json as OpenApiDocument;
}, 30_000);

afterAll(async () => {
  await fx?.cleanup();
});

function schemaOf(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`the document refers to ${ref}, which it does not define`);
  return target;
}

/** Calls a route and checks the answer against the document; `template` is the document's path. */
async function check(
  method: string,
  template: string,
  path: string,
  body?: unknown,
  expectOk = true,
): Promise<{ status: number; json: unknown; text: string; headers: Record<string, unknown> }> {
  const res = await fx.call(method, `${P}${path}`, body);
  const op = doc.paths[`${P}${template}`]?.[method.toLowerCase()];
  expect(op, `${method} ${template} is in the document`).toBeDefined();
  if (!op) throw new Error('unreachable');
  seen.add(`${method.toLowerCase()} ${P}${template}`);
  const status = String(res.status);
  const entry = op.responses[status] ?? op.responses[`${status[0]}XX`];
  expect(
    entry,
    `${method} ${path} answered ${status}, which the document does not list: ${res.text}`,
  ).toBeDefined();
  if (expectOk) expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  const [media, content] = Object.entries(entry?.content ?? {})[0] ?? [];
  if (media === 'application/json' && content) {
    const validate = ajv.compile(schemaOf(content.schema));
    const valid = validate(res.json);
    expect(
      valid,
      `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${res.text.slice(0, 500)}`,
    ).toBe(true);
  } else if (media === 'text/html') {
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
  }
  return res;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the bearer scheme, the error schema, and no undocumented route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error).toBeDefined();
    const undocumented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op['x-undocumented'])
        .map(([m]) => `${m} ${path}`),
    );
    expect(undocumented).toEqual([]);
    // The answers are described, not left open: a wrong agent list is refused.
    const agents = doc.paths[`${P}/agents`]?.get?.responses['200']?.content['application/json']?.schema ?? {};
    expect(agents).toMatchObject({ type: 'object', required: ['agents'] });
    expect(ajv.validate(agents, { agents: [{ id: 1 }] })).toBe(false);
    // Every compiled schema is valid JSON Schema 2020-12.
    for (const ops of Object.values(doc.paths))
      for (const op of Object.values(ops))
        for (const r of Object.values(op.responses))
          for (const c of Object.values(r.content))
            expect(() => ajv.compile(schemaOf(c.schema))).not.toThrow();
  });

  it('needs the token', async () => {
    const res = await fx.call('GET', `${P}/openapi.json`, undefined, { authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
  });
});

describe('every route against the document', () => {
  it('answers as documented, with real repos, tasks, agents and worktrees', async () => {
    await check('GET', '/health', '/health');
    await check('GET', '/version', '/version');
    await check('POST', '/login-codes', '/login-codes');
    await check('GET', '/openapi.json', '/openapi.json');

    const page = await check('GET', '/docs', '/docs');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).not.toContain('unsafe-inline');
    const css = /<style>([\s\S]*?)<\/style>/.exec(page.text)?.[1] ?? '';
    expect(csp).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(page.text).not.toMatch(/<script|https?:\/\/(?!json-schema\.org)/);
    for (const path of Object.keys(doc.paths)) expect(page.text).toContain(path.replaceAll('&', '&#38;'));

    const repo = (await check('POST', '/repos', '/repos', { path: fx.repo.path })).json as {
      repo: { id: string };
    };
    expect((await check('POST', '/repos', '/repos', { path: fx.repo.path })).status).toBe(200);
    await check('GET', '/repos', '/repos');
    await check('GET', '/repos', `/repos?path=${encodeURIComponent(fx.repo.path)}`);

    const task = async (title: string) =>
      (
        (await check('POST', '/tasks', '/tasks', { repoId: repo.repo.id, title, prompt: 'p' })).json as {
          id: string;
        }
      ).id;
    const [t1, t2, t3] = [await task('one'), await task('two'), await task('three')];
    await check('GET', '/tasks', '/tasks?status=backlog,todo&limit=2&offset=1');
    await check('GET', '/tasks/{id}', `/tasks/${t1}`);
    await check('PATCH', '/tasks/{id}', `/tasks/${t1}`, { priority: 'high', addLabels: ['api'] });
    await check('POST', '/tasks/{id}/move', `/tasks/${t1}/move`, { status: 'todo' });
    const dep = (await check('PUT', '/tasks/{id}/dependencies/{dep}', `/tasks/${t2}/dependencies/${t3}`))
      .json;
    expect(dep).toMatchObject({ dependsOn: [t3] });
    const undep = (await check('DELETE', '/tasks/{id}/dependencies/{dep}', `/tasks/${t2}/dependencies/${t3}`))
      .json;
    expect(undep).toMatchObject({ dependsOn: [] });

    const agent = (await check('POST', '/agents', '/agents', { task: t1 })).json as { id: string };
    await check('GET', '/agents', '/agents?all=true');
    await check('GET', '/agents/{id}', `/agents/${agent.id}`);
    await check('GET', '/agents/{id}/logs', `/agents/${agent.id}/logs?lines=5`);
    await check('GET', '/agents/{id}/logs', `/agents/${agent.id}/logs?lines=5&raw=true`);
    // A custom command keeps no conversation Flotilla can read: the answer says so.
    const conv = (
      await check('GET', '/agents/{id}/conversation', `/agents/${agent.id}/conversation?limit=10`)
    ).json as { source: string; entries: unknown[]; total: number; note?: string };
    expect(conv).toMatchObject({ source: 'none', entries: [], total: 0 });
    expect(conv.note).toContain(`flotilla logs ${agent.id} --raw`);
    await check('GET', '/agents/{id}/conversation', `/agents/${agent.id}/conversation?after=3`);
    expect(
      (
        await check(
          'GET',
          '/agents/{id}/conversation',
          `/agents/${agent.id}/conversation?limit=0`,
          undefined,
          false,
        )
      ).status,
    ).toBe(400);
    const one = (await check('GET', '/agents/{id}', `/agents/${agent.id}`)).json as Record<string, unknown>;
    expect(one).toMatchObject({ cpuHistory: expect.any(Array), rssHistory: expect.any(Array) });
    expect(one).toHaveProperty('lastOutput');
    const daemonLog = (await check('GET', '/logs', '/logs?source=daemon&tail=20')).json as {
      lines: { source: string }[];
    };
    expect(daemonLog.lines.length).toBeGreaterThan(0);
    expect((await check('GET', '/logs', `/logs?source=${agent.id.slice(0, 4)}`)).json).toMatchObject({
      source: agent.id,
    });
    expect((await check('GET', '/logs', '/logs?source=nobody', undefined, false)).status).toBe(404);
    await check('POST', '/agents/{id}/send', `/agents/${agent.id}/send`, { text: 'hello' });
    await check('POST', '/agents/{id}/hook-events', `/agents/${agent.id}/hook-events`);
    // No permission dialog is open: a refusal, answered with the error body.
    await check('POST', '/agents/{id}/approve', `/agents/${agent.id}/approve`, undefined, false);
    await check('POST', '/agents/{id}/deny', `/agents/${agent.id}/deny`, undefined, false);
    // A headless agent's prompt tool asks; no rule decides, so after the wait it is pending.
    const ask = { tool_name: 'Bash', input: { command: 'true' }, tool_use_id: 'toolu_contract' };
    const asked = await check(
      'POST',
      '/agents/{id}/permission-requests',
      `/agents/${agent.id}/permission-requests?wait_ms=0`,
      ask,
    );
    expect(asked.json).toMatchObject({ state: 'pending', verdict: null });
    await check('POST', '/agents/{id}/deny', `/agents/${agent.id}/deny`, { message: 'not now' });
    // The agent tools' routes (`flotilla mcp` calls them with the agent's token; the user's works too).
    await check('GET', '/agents/{id}/tasks', `/agents/${agent.id}/tasks?status=in_progress`);
    await check('POST', '/agents/{id}/tasks', `/agents/${agent.id}/tasks`, { title: 'follow-up' });
    await check('POST', '/agents/{id}/progress', `/agents/${agent.id}/progress`, { text: 'halfway' });
    const question = { askId: 'askid-contract', question: 'Go on?' };
    const pending = await check(
      'POST',
      '/agents/{id}/questions',
      `/agents/${agent.id}/questions?wait_ms=0`,
      question,
    );
    expect(pending.json).toMatchObject({ state: 'pending', answer: null });
    await check('DELETE', '/agents/{id}/questions/{askId}', `/agents/${agent.id}/questions/askid-contract`);
    await check('POST', '/agents/{id}/answer', `/agents/${agent.id}/answer`, { text: 'go on' });
    await check('POST', '/agents/{id}/ready-for-review', `/agents/${agent.id}/ready-for-review`, {});
    const limits = (await check('GET', '/limits', '/limits')).json as { usage: { live: number } };
    expect(limits.usage.live).toBe(1);
    const config = (await check('GET', '/config', '/config')).json as {
      rows: { path: string; origin: string | null }[];
    };
    const origin = (path: string) => config.rows.find((r) => r.path === path)?.origin;
    expect(origin('limits.max_concurrent')).toBe('default');
    // Handed to the daemon directly (this test's config), not found in any layer.
    expect(origin('tmux.socket')).toBeNull();
    await check('POST', '/up', '/up', { max: 1 });

    await check('GET', '/worktrees', '/worktrees?all=true');
    await check('GET', '/worktrees/{id}/diff', `/worktrees/${t1}/diff`);
    await check('POST', '/worktrees/clean', '/worktrees/clean', { dryRun: true });
    await check('POST', '/worktrees/prune', '/worktrees/prune', {});
    await check('GET', '/conflicts', '/conflicts?fresh=true');
    await check('GET', '/events', `/events?task=${t1}&limit=5&order=desc`);

    await check('POST', '/agents/{id}/stop', `/agents/${agent.id}/stop`);
    await check('POST', '/agents/{id}/restart', `/agents/${agent.id}/restart`);
    const bulkStop = (await check('POST', '/agents/bulk/stop', '/agents/bulk/stop', { repo: repo.repo.id }))
      .json as { stopped: { id: string; status: string }[] };
    expect(bulkStop.stopped).toEqual([expect.objectContaining({ id: agent.id, status: 'stopped' })]);
    expect(
      (await check('POST', '/agents/bulk/remove', '/agents/bulk/remove', { repo: 'nope' }, false)).status,
    ).toBe(404);
    await check('DELETE', '/agents/{id}', `/agents/${agent.id}?worktree=true&force=true`);
    expect((await check('POST', '/agents/bulk/remove', '/agents/bulk/remove', {})).json).toEqual({
      removed: [],
      failed: [],
    });
    await check('DELETE', '/tasks/{id}', `/tasks/${t3}`);

    // Review and landing: a task whose agent committed work, reviewed, sent back, landed.
    const t4 = await task('four');
    const a4 = (await check('POST', '/agents', '/agents', { task: t4 })).json as {
      id: string;
      worktreePath: string;
    };
    await fx.repo.commit({ 'four.txt': 'four\n' }, 'four', a4.worktreePath);
    await check('GET', '/review', '/review');
    const review = (await check('GET', '/tasks/{id}/review', `/tasks/${t4}/review`)).json as {
      ahead: number;
    };
    expect(review.ahead).toBe(1);
    await check('POST', '/tasks/{id}/send-back', `/tasks/${t4}/send-back`, { message: 'one more thing' });
    const queued = (await check('POST', '/land', '/land', { tasks: [t4] })).json as {
      queued: { landing: { id: string } }[];
    };
    expect(queued.queued).toHaveLength(1);
    await check('GET', '/landings', `/landings?task=${t4}&state=queued&state=running&state=landed`);
    // Nothing queued for t2 (no branch): a refusal with the error body.
    await check('DELETE', '/tasks/{id}/land', `/tasks/${t2}/land`, undefined, false);
    await check('POST', '/tasks/{id}/discard', `/tasks/${t2}/discard`, {});
    await check('GET', '/scheduler', '/scheduler');
    const lease = (await check('POST', '/scheduler/watch', '/scheduler/watch', {})).json as {
      leaseId: string;
    };
    await check('DELETE', '/scheduler/watch/{id}', `/scheduler/watch/${lease.leaseId}`);

    // Refusals carry the documented error body.
    await check('GET', '/tasks/{id}', '/tasks/no-such-task', undefined, false);
    const bad = await check('POST', '/tasks', '/tasks', { repoId: repo.repo.id, title: 42 }, false);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'INVALID_INPUT', issues: [{ path: 'title' }] } });

    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !op['x-websocket'])
        .map(([m]) => `${m} ${path}`),
    );
    const untested = documented.filter((r) => r !== `post ${P}/daemon/stop` && !seen.has(r));
    expect(untested).toEqual([]);

    await check('POST', '/daemon/stop', '/daemon/stop');
    await fx.daemon.closed;
  }, 60_000);
});
