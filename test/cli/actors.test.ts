import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/domain/agent-view.js';
import type { FlotillaEvent, Task } from '../../src/domain/index.js';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

/**
 * Every write names its actor, from who made the request (src/api/actor.ts): a task moved with
 * the real `flotilla` binary is the user's; the same move by a plain API client holding the
 * token (no CLI header) is `api`; so are `up` (the user's, not the scheduler's), stop and rm.
 * Read back from the audit trail over the daemon's own API. Agents are shells sleeping in a
 * private tmux server.
 */
describe('actors of writes (real binary, real daemon)', () => {
  let sb: Sandbox;
  let url = '';
  let token = '';
  const socket = `flotilla-actors-${process.pid}-${Date.now().toString(36)}`;

  beforeAll(async () => {
    sb = makeSandbox();
    sb.env.FLOTILLA_TMUX__SOCKET = socket;
    writeFileSync(
      join(sb.repo, 'flotilla.yaml'),
      'agent: sleeper\nagents:\n  sleeper: {adapter: custom, command: sh, args: ["-c", "sleep 600"], prompt_via: none}\n',
    );
    sb.git(['add', 'flotilla.yaml']);
    sb.git(['commit', '-qm', 'flotilla config']);
    const init = await sb.flotilla(['init']);
    expect(init.code, init.stderr).toBe(0);
    url = (JSON.parse(readFileSync(join(sb.stateDir, 'daemon.json'), 'utf8')) as { url: string }).url;
    token = readFileSync(join(sb.stateDir, 'token'), 'utf8').trim();
  });
  afterAll(() => {
    sb?.cleanup();
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  });

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  };

  it('records a CLI move as the user and a plain API move as api', async () => {
    const added = await sb.flotilla(['task', 'add', 'Who moved me', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const task = JSON.parse(added.stdout) as Task;

    const moved = await sb.flotilla(['task', 'move', task.id, 'review']);
    expect(moved.code, moved.stderr).toBe(0);
    await api('POST', `/tasks/${task.id}/move`, { status: 'done' });

    const { events } = await api<{ events: FlotillaEvent[] }>(
      'GET',
      `/events?task=${task.id}&type=task.created,task.moved`,
    );
    expect(events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ['task.created', 'user', expect.anything()],
      ['task.moved', 'user', { from: 'todo', to: 'review' }],
      ['task.moved', 'api', { from: 'review', to: 'done' }],
    ]);
  });

  it('records up, stop and rm from the CLI as the user, and by a plain token as api', async () => {
    const add = async (title: string) => {
      const r = await sb.flotilla(['task', 'add', title, '--json']);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as Task).id;
    };
    const tasks = [
      await add('Started by up, stopped by the CLI'),
      await add('Started by up, stopped by the API'),
    ];
    const up = await sb.flotilla(['up', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const started = (JSON.parse(up.stdout) as { started: AgentView[] }).started;
    expect(started.map((a) => a.taskId).sort()).toEqual([...tasks].sort());
    const byTask = new Map(started.map((a) => [a.taskId, a.id]));
    const [cliAgent, apiAgent] = tasks.map((t) => byTask.get(t) as string);

    for (const args of [
      ['stop', cliAgent],
      ['rm', cliAgent],
    ] as string[][]) {
      const r = await sb.flotilla(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    await api('POST', `/agents/${apiAgent}/stop`, {});
    await api('DELETE', `/agents/${apiAgent}`);

    const actorsOf = async (taskId: string) => {
      const { events } = await api<{ events: FlotillaEvent[] }>(
        'GET',
        `/events?task=${taskId}&type=worktree.created,agent.created,task.moved,agent.status_changed,agent.removed&limit=1000`,
      );
      // The agent's own start-up statuses (starting → idle…) are the supervisor's and the pane's.
      return events
        .filter((e) => e.type !== 'agent.status_changed' || e.data.to === 'stopped')
        .map((e) => [e.type, e.actor]);
    };
    const upped = [
      ['worktree.created', 'user'],
      ['agent.created', 'user'],
      ['task.moved', 'user'],
    ];
    expect(await actorsOf(tasks[0] as string)).toEqual([
      ...upped,
      ['agent.status_changed', 'user'],
      ['agent.removed', 'user'],
    ]);
    expect(await actorsOf(tasks[1] as string)).toEqual([
      ...upped,
      ['agent.status_changed', 'api'],
      ['agent.removed', 'api'],
    ]);
  }, 60_000);
});
