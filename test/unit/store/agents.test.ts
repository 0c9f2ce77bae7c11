import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { expectFlotillaError, storeFixture } from './helpers.js';

const setup = storeFixture();

let worktrees = 0;

/** A worktree row for the task (an agent references its worktree by id). */
async function newWorktree(store: Store, taskId: string) {
  const n = worktrees++;
  return store.worktrees.create(
    {
      taskId,
      path: `/w/x${n}`,
      branch: 'flotilla/x',
      baseRef: 'main',
      baseCommit: '0'.repeat(40),
      portBase: 20000 + n * 10,
    },
    'supervisor',
  );
}

async function newAgent(store: Store, taskId: string, id?: string) {
  // A task that does not exist gets no worktree: the agent's own check must refuse it.
  const worktreeId = (await store.tasks.get(taskId)) ? (await newWorktree(store, taskId)).id : 'zzzzzz';
  return store.agents.create(
    {
      ...(id === undefined ? {} : { id }),
      taskId,
      adapter: 'claude-code',
      worktreeId,
      tmuxSession: `flotilla-${id ?? 'x'}`,
      sessionId: '6f1c2a4e-1111-4222-8333-944455556666',
    },
    'supervisor',
  );
}

describe('agents', () => {
  it('creates an agent with the repo of its task, and records agent.created', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    const agent = await newAgent(store, task.id);
    expect(agent).toMatchObject({
      taskId: task.id,
      repoId: repo.id,
      adapter: 'claude-code',
      mode: 'interactive',
      status: 'starting',
      statusSource: 'supervisor',
      restartCount: 0,
      pid: null,
      exitCode: null,
      removedAt: null,
    });
    expect(await store.agents.get(agent.id)).toEqual(agent);
    const [event] = await store.events.list({ agentId: agent.id });
    expect(event).toMatchObject({
      type: 'agent.created',
      actor: 'supervisor',
      taskId: task.id,
      repoId: repo.id,
    });
  });

  it('takes a caller-chosen id and refuses a duplicate or an unknown task', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    expect((await newAgent(store, task.id, 'a7b8c9')).id).toBe('a7b8c9');
    await expectFlotillaError(newAgent(store, task.id, 'a7b8c9'), 'CONFLICT');
    await expectFlotillaError(newAgent(store, 'zzzzzz'), 'NOT_FOUND');
    await expectFlotillaError(
      store.agents.create(
        {
          taskId: task.id,
          adapter: 'Bad Name',
          worktreeId: (await newWorktree(store, task.id)).id,
          tmuxSession: 's',
        },
        'user',
      ),
      'INVALID_INPUT',
    );
  });

  it('records a status change once, with from/to/source, and ignores repeats', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    const agent = await newAgent(store, task.id);
    const working = await store.agents.setStatus(agent.id, 'working', 'hook', 'hook');
    expect(working).toMatchObject({ status: 'working', statusSource: 'hook' });
    await store.agents.setStatus(agent.id, 'working', 'pane', 'daemon');
    await store.agents.setStatus(agent.id, 'needs_permission', 'hook', 'hook', 'Bash(rm -rf build)');
    const changes = await store.events.list({ agentId: agent.id, types: ['agent.status_changed'] });
    expect(changes.map((e) => e.data)).toEqual([
      { from: 'starting', to: 'working', source: 'hook' },
      { from: 'working', to: 'needs_permission', source: 'hook', detail: 'Bash(rm -rf build)' },
    ]);
    const read = await store.agents.get(agent.id);
    expect(read).toMatchObject({ status: 'needs_permission', statusSource: 'hook' });
    expect(read?.statusSince).toBe(changes[1]?.ts);
    // @ts-expect-error: not a status
    await expectFlotillaError(store.agents.setStatus(agent.id, 'sleeping', 'hook', 'hook'), 'INVALID_STATUS');
  });

  it('updates bookkeeping fields with agent.updated listing the changes', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    const agent = await newAgent(store, task.id);
    const updated = await store.agents.update(
      agent.id,
      { pid: 4242, restartCount: 1, mode: 'interactive', sessionId: undefined },
      'supervisor',
    );
    expect(updated).toMatchObject({ pid: 4242, restartCount: 1, sessionId: agent.sessionId });
    expect(await store.agents.get(agent.id)).toEqual(updated);
    const [event] = await store.events.list({ agentId: agent.id, types: ['agent.updated'] });
    expect(event?.data).toEqual({
      changes: { pid: { from: null, to: 4242 }, restartCount: { from: 0, to: 1 } },
    });
    // @ts-expect-error: status changes go through setStatus
    await expectFlotillaError(store.agents.update(agent.id, { status: 'idle' }, 'user'), 'INVALID_INPUT');
  });

  it('removes only a stopped agent, hides it from list, keeps it with all', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    const agent = await newAgent(store, task.id);
    const err = await expectFlotillaError(store.agents.remove(agent.id, 'user'), 'CONFLICT');
    expect(err.message).toContain('starting');
    await store.agents.setStatus(agent.id, 'stopped', 'user', 'user');
    const removed = await store.agents.remove(agent.id, 'user');
    expect(removed.removedAt).not.toBeNull();
    await store.agents.remove(agent.id, 'user');
    expect(await store.agents.list()).toEqual([]);
    expect((await store.agents.list({ all: true })).map((a) => a.id)).toEqual([agent.id]);
    expect(await store.events.list({ agentId: agent.id, types: ['agent.removed'] })).toHaveLength(1);
  });

  it('lists by repo and task', async () => {
    const { store, repo } = await setup();
    const other = await store.repos.register(
      { name: 'lib', path: '/srv/lib', defaultBranch: 'main' },
      'user',
    );
    const t1 = await store.tasks.create(repo.id, { title: 't1' }, 'user');
    const t2 = await store.tasks.create(other.id, { title: 't2' }, 'user');
    const a1 = await newAgent(store, t1.id);
    const a2 = await newAgent(store, t2.id);
    expect((await store.agents.list()).map((a) => a.id)).toEqual([a1.id, a2.id]);
    expect((await store.agents.list({ repoId: other.id })).map((a) => a.id)).toEqual([a2.id]);
    expect((await store.agents.list({ taskId: t1.id })).map((a) => a.id)).toEqual([a1.id]);
  });

  it('resolves prefixes, preferring the one agent that is not removed', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    await newAgent(store, task.id, 'a7b8c9');
    await newAgent(store, task.id, 'a7x222');
    const err = await expectFlotillaError(store.agents.resolve('a7'), 'AMBIGUOUS_ID');
    expect(err.message).toContain('a7b8c9 (claude-code on task');
    await store.agents.setStatus('a7b8c9', 'exited', 'liveness', 'daemon');
    await store.agents.remove('a7b8c9', 'user');
    expect((await store.agents.resolve('a7')).id).toBe('a7x222');
    expect((await store.agents.resolve('a7b')).id).toBe('a7b8c9');
    const none = await expectFlotillaError(store.agents.resolve('zz'), 'NOT_FOUND');
    expect(none.hint).toBe('flotilla ps --all');
    await expectFlotillaError(store.agents.resolve('a7!'), 'INVALID_ID');
  });
});
