import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_FILES } from '../../../src/agents/agent-dir.js';
import { CorePlugin } from '../../../src/daemon/core-plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { SupervisorPlugin } from '../../../src/daemon/supervisor-plugin.js';
import { waitFor } from '../../helpers/cli.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';
import { type RawResponse, rawRequest } from '../daemon/helpers.js';
import { type CustomAgentDaemon, environToken, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * The routes behind an agent's MCP tools (ADR 0022), called as `flotilla mcp` calls them: with
 * the agent's own token. Checked by effect (the store through the user's API, the events and
 * their actors, the agent's status): the scope is the agent's own task and its own repo; another
 * agent's id, another repo's task and the user's routes (approve, deny, answer) are refused
 * with 403 and change nothing. Two real agents (shells in tmux on a private server) under a real
 * daemon, over HTTP; the daemon is restarted once with a question open.
 */
let fx: CustomAgentDaemon;
let url: string;
let token: string;
let restarted: RunningDaemon | undefined;
let otherRepo: TestRepo;
let otherRepoTask: string;
const agents: { id: string; token: string; taskId: string }[] = [];

const call = (method: string, path: string, auth: string, body?: unknown): Promise<RawResponse> =>
  rawRequest(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const user = (method: string, path: string, body?: unknown) => call(method, path, token, body);
const view = async (id: string) =>
  (await user('GET', `/agents/${id}`)).json as {
    status: string;
    statusDetail: string | null;
    progress?: { text: string; at: string } | null;
  };
type Ev = { type: string; actor: string; data: Record<string, unknown> };
const events = async (query: string) =>
  ((await user('GET', `/events?${query}`)).json as { events: Ev[] }).events;
const ask = (a: { id: string; token: string }, askId: string, question: string, waitMs = 0) =>
  call('POST', `/agents/${a.id}/questions?wait_ms=${waitMs}`, a.token, { askId, question });

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'sleeper',
    agentScript: 'exec sleep 600',
    socketPrefix: 'flt-tools',
  });
  url = fx.daemon.url;
  token = fx.daemon.token;
  for (const title of ['One', 'Two']) {
    const taskId = await fx.createTask(title);
    const started = await fx.startAgent(taskId);
    expect(started.status, started.text).toBe(201);
    const { id, pid } = started.json as { id: string; pid: number };
    agents.push({ id, taskId, token: await waitFor(() => environToken(pid), `agent ${id}'s token`) });
  }
  otherRepo = await makeRepo();
  const reg = await user('POST', '/repos', { path: otherRepo.path });
  const repoId = (reg.json as { repo: { id: string } }).repo.id;
  otherRepoTask = ((await user('POST', '/tasks', { repoId, title: 'Elsewhere' })).json as { id: string }).id;
}, 60_000);

afterAll(async () => {
  await restarted?.close();
  await fx?.cleanup();
  otherRepo?.cleanup();
});

describe("an agent's tools act for that agent only", () => {
  it("another agent's id is refused (403) on every tool route, and nothing changes", async () => {
    const [a, b] = agents;
    const tries = [
      call('GET', `/agents/${b!.id}/tasks`, a!.token),
      call('POST', `/agents/${b!.id}/tasks`, a!.token, { title: 'Sneaky' }),
      call('POST', `/agents/${b!.id}/progress`, a!.token, { text: 'not mine' }),
      call('POST', `/agents/${b!.id}/questions?wait_ms=0`, a!.token, {
        askId: 'askid-other',
        question: 'Hm?',
      }),
      call('DELETE', `/agents/${b!.id}/questions/askid-other`, a!.token),
      call('POST', `/agents/${b!.id}/ready-for-review`, a!.token, {}),
    ];
    for (const res of await Promise.all(tries)) {
      expect(res.status, res.text).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect((res.json as { error: { message: string } }).error.message).toContain(
        `agent ${a!.id}'s own token`,
      );
    }
    expect(await view(b!.id)).toMatchObject({ progress: null });
    expect((await user('GET', `/tasks/${b!.taskId}`)).json).toMatchObject({ status: 'in_progress' });
    const titles = ((await user('GET', '/tasks')).json as { tasks: { title: string }[] }).tasks.map(
      (t) => t.title,
    );
    expect(titles).not.toContain('Sneaky');
  });

  it('an agent token can never answer: approve, deny, answer and send refuse it, even for its own id', async () => {
    const [a] = agents;
    for (const [path, body] of [
      ['approve', {}],
      ['deny', {}],
      ['answer', { text: 'yes' }],
      ['send', { text: 'hi' }],
    ] as const) {
      const res = await call('POST', `/agents/${a!.id}/${path}`, a!.token, body);
      expect(res.status, `${path}: ${res.text}`).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });

  it("list_tasks: the tasks of the agent's repo only, filterable by status", async () => {
    const [a] = agents;
    const res = await call('GET', `/agents/${a!.id}/tasks`, a!.token);
    expect(res.status, res.text).toBe(200);
    const tasks = (res.json as { tasks: { id: string; title: string; status: string }[] }).tasks;
    expect(tasks.map((t) => t.title).sort()).toEqual(['One', 'Two']);
    expect(tasks.map((t) => t.id)).not.toContain(otherRepoTask);
    expect(Object.keys(tasks[0]!).sort()).toEqual(['dependsOn', 'id', 'priority', 'status', 'title']);
    const filtered = await call('GET', `/agents/${a!.id}/tasks?status=todo,review`, a!.token);
    expect((filtered.json as { tasks: unknown[] }).tasks).toEqual([]);
  });

  it('create_task: a follow-up in its repo, after its own task, recorded as the agent; another repo is refused', async () => {
    const [a, b] = agents;
    const res = await call('POST', `/agents/${a!.id}/tasks`, a!.token, {
      title: 'Follow-up',
      prompt: 'Do the rest',
      dependsOn: [a!.taskId, b!.taskId.slice(0, 4)],
    });
    expect(res.status, res.text).toBe(201);
    const created = res.json as { id: string; status: string; dependsOn: string[] };
    expect(created.status).toBe('backlog');
    const stored = (await user('GET', `/tasks/${created.id}`)).json as {
      dependsOn: string[];
      prompt: string;
    };
    expect(stored.dependsOn.sort()).toEqual([a!.taskId, b!.taskId].sort());
    expect(stored.prompt).toBe('Do the rest');
    const made = await events(`type=task.created&task=${created.id}`);
    expect(made.map((e) => e.actor)).toEqual([`agent:${a!.id}`]);

    const before = ((await user('GET', '/tasks')).json as { total: number }).total;
    const refused = await call('POST', `/agents/${a!.id}/tasks`, a!.token, {
      title: 'Across repos',
      dependsOn: [otherRepoTask],
    });
    expect(refused.status, refused.text).toBe(403);
    expect((refused.json as { error: { message: string } }).error.message).toContain(
      'belongs to another repo',
    );
    expect(((await user('GET', '/tasks')).json as { total: number }).total).toBe(before);
  });

  it('report_progress: one clean, clipped line on the agent, recorded as the agent', async () => {
    const [a] = agents;
    const long = `Tests \x1b[32mpass\x1b[0m;\nnow the docs ${'x'.repeat(500)}`;
    const res = await call('POST', `/agents/${a!.id}/progress`, a!.token, { text: long });
    expect(res.status, res.text).toBe(200);
    const { progress } = await view(a!.id);
    expect(progress?.text.startsWith('Tests pass; now the docs xxx')).toBe(true);
    expect(progress?.text.length).toBe(300);
    expect(progress?.text.endsWith('…')).toBe(true);
    const reported = await events(`type=agent.progress&agent=${a!.id}`);
    expect(reported.map((e) => [e.actor, e.data.text])).toEqual([[`agent:${a!.id}`, progress?.text]]);
  });

  it("ask_user: the agent waits on its question; the user's answer is the reply; only the user answers", async () => {
    const [a] = agents;
    const first = await ask(a!, 'askid-port-1', 'Which port: 8080 or 9090?');
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ state: 'pending', answer: null });
    expect(await view(a!.id)).toMatchObject({
      status: 'needs_input',
      statusDetail: 'asks: Which port: 8080 or 9090?',
    });
    const waiting = ask(a!, 'askid-port-1', 'Which port: 8080 or 9090?', 30_000);
    const answered = await user('POST', `/agents/${a!.id}/answer`, { text: '9090, please' });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.json).toMatchObject({ answered: 'question', status: 'working' });
    expect((await waiting).json).toMatchObject({ state: 'answered', answer: '9090, please' });
    const asked = await events(`type=agent.question&agent=${a!.id}`);
    expect(asked.map((e) => [e.data.phase, e.actor])).toEqual([
      ['asked', `agent:${a!.id}`],
      ['answered', 'api'],
    ]);
    // Nothing is open now: an answer for an agent that asked nothing and does not wait is refused.
    const nothing = await user('POST', `/agents/${a!.id}/answer`, { text: 'again' });
    expect(nothing.status, nothing.text).toBe(409);
  });

  it('ready_for_review: its own task moves to review with the summary, as the agent; the other task stays', async () => {
    const [a, b] = agents;
    const res = await call('POST', `/agents/${a!.id}/ready-for-review`, a!.token, {
      summary: 'Port is 9090.',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ id: a!.taskId, status: 'review' });
    const moved = await events(`type=task.moved&task=${a!.taskId}`);
    expect(moved.at(-1)).toMatchObject({
      actor: `agent:${a!.id}`,
      data: { from: 'in_progress', to: 'review', message: 'Port is 9090.' },
    });
    expect((await user('GET', `/tasks/${b!.taskId}`)).json).toMatchObject({ status: 'in_progress' });
    // From review an agent moves its task nowhere (the transition table): refused, unchanged.
    await user('POST', `/tasks/${a!.taskId}/move`, { status: 'done' });
    const again = await call('POST', `/agents/${a!.id}/ready-for-review`, a!.token, {});
    expect(again.status, again.text).toBe(403);
    expect((await user('GET', `/tasks/${a!.taskId}`)).json).toMatchObject({ status: 'done' });
  });

  it('a question open across a daemon restart is answered afterwards, and the re-ask gets the answer', async () => {
    const [, b] = agents;
    const first = await ask(b!, 'askid-restart', 'Keep the old API?');
    expect(first.json).toMatchObject({ state: 'pending' });
    const file = join(fx.home.paths.agentsDir, b!.id, AGENT_FILES.questions);
    expect(existsSync(file)).toBe(true);
    await fx.daemon.close();
    const core = new CorePlugin();
    restarted = await startDaemon({
      paths: fx.home.paths,
      config: fx.config,
      plugins: [core, new SupervisorPlugin(core)],
    });
    url = restarted.url;
    token = restarted.token;
    expect(await view(b!.id)).toMatchObject({
      status: 'needs_input',
      statusDetail: 'asks: Keep the old API?',
    });
    const answered = await user('POST', `/agents/${b!.id}/answer`, { text: 'No, drop it' });
    expect(answered.json).toMatchObject({ answered: 'question' });
    const res = await ask(b!, 'askid-restart', 'Keep the old API?');
    expect(res.json).toMatchObject({ state: 'answered', answer: 'No, drop it' });
    expect(existsSync(file), 'nothing left pending').toBe(false);
  });
});
