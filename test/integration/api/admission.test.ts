import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UpResponse } from '../../../src/cli/client.js';
import { TmuxServer } from '../../../src/tmux/index.js';
import { waitFor } from '../../helpers/cli.js';
import { type CustomAgentDaemon, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * Admission on every path that starts an agent: `POST /agents` (flotilla start) and `POST /up`
 * refuse a task whose dependencies are not done and a start beyond limits.max_concurrent, and
 * concurrent requests never overshoot the limit. A real daemon whose agents are `sleep` in tmux
 * sessions on a private server; the assertions count the sessions that really exist.
 */
let fx: CustomAgentDaemon;
let tmux: TmuxServer;

type ErrorBody = { error: { code: string; message: string; hint?: string } };
interface AgentRow {
  id: string;
  taskId: string;
  status: string;
}

/** Agent processes really running: sessions whose pane is alive (a stopped agent's may remain). */
const sessions = async () => (await tmux.listSessions('flotilla-')).filter((p) => !p.paneDead).length;
const agents = async () => ((await fx.api('/agents')).json as { agents: AgentRow[] }).agents;
const task = async (title: string, extra: Record<string, unknown> = {}): Promise<string> => {
  const r = await fx.api('/tasks', { repoId: fx.repoId, title, ...extra });
  expect(r.status, r.text).toBe(201);
  return (r.json as { id: string }).id;
};
const move = async (id: string, status: string) =>
  expect((await fx.api(`/tasks/${id}/move`, { status })).status).toBe(200);

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'sleeper',
    agentScript: 'sleep 600',
    socketPrefix: 'flt-admit',
  });
  tmux = new TmuxServer({ socketName: fx.socket });
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

// Each test starts from no agents and no todo tasks, with its own limit.
afterEach(async () => {
  for (const a of await agents()) {
    await fx.api(`/agents/${a.id}/stop`, {});
  }
  const { tasks } = (await fx.api('/tasks?status=todo')).json as { tasks: { id: string }[] };
  for (const t of tasks) await move(t.id, 'cancelled');
  fx.config.limits.max_concurrent = 4;
}, 60_000);

describe('admission: dependencies', () => {
  it('start of a task whose dependencies are not done is refused, names them, and creates nothing; force starts it', async () => {
    const schema = await task('Design the schema');
    const api = await task('Write the API', { status: 'todo' });
    await move(api, 'in_progress');
    const ui = await task('Build the UI', { dependsOn: [schema, api] });
    await move(schema, 'done');

    const refused = await fx.api('/agents', { task: ui });
    expect(refused.status, refused.text).toBe(409);
    const { error } = refused.json as ErrorBody;
    expect(error.code).toBe('BLOCKED');
    expect(error.message).toContain(`"Write the API" (${api}, in_progress)`);
    expect(error.message).not.toContain(schema);
    expect(error.hint).toContain(`flotilla start ${ui} --force`);
    expect(await sessions()).toBe(0);
    expect(await agents()).toEqual([]);

    const forced = await fx.api('/agents', { task: ui, force: true });
    expect(forced.status, forced.text).toBe(201);
    expect(await sessions()).toBe(1);
  });
});

describe('admission: the concurrency limit', () => {
  it('start beyond limits.max_concurrent is refused with the limit named; force overrides', async () => {
    fx.config.limits.max_concurrent = 2;
    const ids = [await task('one'), await task('two'), await task('three')];
    for (const id of ids.slice(0, 2)) expect((await fx.startAgent(id)).status).toBe(201);

    const refused = await fx.startAgent(ids[2] as string);
    expect(refused.status, refused.text).toBe(409);
    const { error } = refused.json as ErrorBody;
    expect(error.code).toBe('LIMIT_REACHED');
    expect(error.message).toContain('the limit is 2 (limits.max_concurrent)');
    expect(error.hint).toContain('FLOTILLA_LIMITS__MAX_CONCURRENT');
    expect(error.hint).toContain('--force');
    expect(await sessions()).toBe(2);

    expect((await fx.api('/agents', { task: ids[2], force: true })).status).toBe(201);
    expect(await sessions()).toBe(3);
  });

  it('concurrent `up` and `start` requests never run more agents than the limit', async () => {
    fx.config.limits.max_concurrent = 3;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await task(`parallel ${i}`));
    const answers = await Promise.all([
      fx.api('/up', {}),
      fx.api('/up', {}),
      fx.api('/up', {}),
      ...ids.slice(4).map((id) => fx.startAgent(id)),
    ]);
    for (const a of answers) expect([200, 201, 409], a.text).toContain(a.status);

    const live = (await agents()).filter((a) => a.status !== 'stopped');
    expect(live.length).toBe(3);
    expect(await sessions()).toBe(3);
    const ups = answers.slice(0, 3).map((a) => a.json as UpResponse);
    const started = ups.flatMap((u) => u.started).length + answers.filter((a) => a.status === 201).length;
    expect(started).toBe(3);
    // Whatever an `up` did not start, it says why.
    for (const u of ups) {
      for (const s of u.skipped) expect(['LIMIT_REACHED', 'ALREADY_RUNNING', 'CONFLICT']).toContain(s.code);
    }
  });
});

describe('up says why it did not start a task', () => {
  it('blocked (with the blocking tasks), limit reached, already running — in its JSON', async () => {
    fx.config.limits.max_concurrent = 2;
    const dep = await task('Migrate first', { priority: 'high' });
    const blocked = await task('Then the feature', { dependsOn: [dep] });
    const a = await task('Alpha', { priority: 'high' });
    const b = await task('Beta');
    // A todo task with a live agent: started, then moved back by hand.
    expect((await fx.startAgent(a)).status).toBe(201);
    await move(a, 'todo');

    const r = await fx.api('/up', {});
    expect(r.status, r.text).toBe(200);
    const up = r.json as UpResponse;
    expect(up.started.map((x) => x.taskId)).toEqual([dep]);
    const why = Object.fromEntries(up.skipped.map((s) => [s.taskId, s]));
    expect(why[b]).toMatchObject({ code: 'LIMIT_REACHED', reason: 'limit of 2 agents reached' });
    expect(why[a]).toMatchObject({ code: 'ALREADY_RUNNING' });
    expect(why[a]?.reason).toMatch(/^already running: agent \w+ \(/);
    // Named as they stand when `up` answers: this `up` itself started the dependency.
    expect(why[blocked]).toMatchObject({
      code: 'BLOCKED',
      reason: `blocked by "Migrate first" (${dep}, in_progress)`,
      blockedBy: [{ id: dep, title: 'Migrate first', status: 'in_progress' }],
    });
    await waitFor(async () => (await sessions()) === 2, 'two agent sessions');
  });
});
