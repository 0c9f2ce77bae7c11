import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { expectFlotillaError, storeFixture, tableCounts } from './helpers.js';

const setup = storeFixture();

/** Inserts a task row with a chosen id, to set up prefix collisions deterministically. */
async function insertTaskWithId(store: Store, repoId: string, id: string, title: string): Promise<void> {
  const now = new Date().toISOString();
  await store.db
    .insertInto('tasks')
    .values({
      id,
      repo_id: repoId,
      title,
      prompt: '',
      priority: 'normal',
      status: 'todo',
      labels: '[]',
      external_refs: '[]',
      created_at: now,
      updated_at: now,
    })
    .execute();
}

describe('tasks: create and get', () => {
  it('creates a task with defaults, reads it back and records task.created with the actor', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(
      repo.id,
      { title: '  Fix login  ', labels: ['bug', 'auth'] },
      'user',
    );
    expect(task).toMatchObject({
      repoId: repo.id,
      title: 'Fix login',
      prompt: '',
      priority: 'normal',
      status: 'todo',
      labels: ['bug', 'auth'],
      dependsOn: [],
      externalRefs: [],
    });
    expect(task.id).toMatch(/^[23456789abcdefghjkmnpqrstuvwxyz]{6}$/);
    expect(task.createdAt).toBe(task.updatedAt);
    expect(await store.tasks.get(task.id)).toEqual(task);

    const events = await store.events.list({ taskId: task.id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'task.created',
      actor: 'user',
      repoId: repo.id,
      taskId: task.id,
      ts: task.createdAt,
      data: {
        title: 'Fix login',
        priority: 'normal',
        status: 'todo',
        labels: ['bug', 'auth'],
        dependsOn: [],
      },
    });
  });

  it('keeps external refs and prompt', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(
      repo.id,
      {
        title: 'Sync',
        prompt: 'Do the thing.\nCarefully.',
        priority: 'urgent',
        externalRefs: [
          { system: 'github', key: 'acme/app#12', url: 'https://github.com/acme/app/issues/12' },
        ],
      },
      'integration:github',
    );
    const read = await store.tasks.get(task.id);
    expect(read?.prompt).toBe('Do the thing.\nCarefully.');
    expect(read?.externalRefs).toEqual([
      { system: 'github', key: 'acme/app#12', url: 'https://github.com/acme/app/issues/12' },
    ]);
  });

  it('refuses bad input with INVALID_INPUT naming the field, and writes nothing', async () => {
    const { store, repo } = await setup();
    const before = await tableCounts(store);
    const err = await expectFlotillaError(
      store.tasks.create(repo.id, { title: 'x', labels: ['has space'] }, 'user'),
      'INVALID_INPUT',
    );
    expect(err.issues[0]?.path).toBe('labels.0');
    await expectFlotillaError(store.tasks.create(repo.id, { title: '   ' }, 'user'), 'INVALID_INPUT');
    expect(await tableCounts(store)).toEqual(before);
  });

  it('refuses an unknown repo', async () => {
    const { store } = await setup();
    const err = await expectFlotillaError(store.tasks.create('zzzzzz', { title: 'x' }, 'user'), 'NOT_FOUND');
    expect(err.hint).toContain('flotilla init');
  });

  it('get returns null for an unknown id', async () => {
    const { store } = await setup();
    expect(await store.tasks.get('zzzzzz')).toBeNull();
  });
});

describe('tasks: resolve by prefix', () => {
  it('accepts the full id, any unique prefix, and upper case', async () => {
    const { store, repo } = await setup();
    await insertTaskWithId(store, repo.id, 'k3f9qa', 'Fix login');
    await insertTaskWithId(store, repo.id, 'm2x7pp', 'Add tests');
    expect((await store.tasks.resolve('k3f9qa')).title).toBe('Fix login');
    expect((await store.tasks.resolve('k')).id).toBe('k3f9qa');
    expect((await store.tasks.resolve(' M2X ')).id).toBe('m2x7pp');
  });

  it('lists the candidates (id and title) when a prefix is ambiguous', async () => {
    const { store, repo } = await setup();
    await insertTaskWithId(store, repo.id, 'k3f9qa', 'Fix login');
    await insertTaskWithId(store, repo.id, 'k3ab22', 'Add tests');
    const err = await expectFlotillaError(store.tasks.resolve('k3'), 'AMBIGUOUS_ID');
    expect(err.message).toBe(`'k3' matches several tasks: k3ab22 "Add tests", k3f9qa "Fix login"`);
    expect(err.hint).toContain('more characters');
    expect((await store.tasks.resolve('k3a')).id).toBe('k3ab22');
  });

  it('says NOT_FOUND with the list command as hint', async () => {
    const { store, repo } = await setup();
    await insertTaskWithId(store, repo.id, 'k3f9qa', 'Fix login');
    const err = await expectFlotillaError(store.tasks.resolve('m2'), 'NOT_FOUND');
    expect(err.message).toContain("'m2'");
    expect(err.hint).toBe('flotilla task list --all-repos');
    const full = await expectFlotillaError(store.tasks.resolve('k3f9qb'), 'NOT_FOUND');
    expect(full.message).toBe("task 'k3f9qb' not found");
  });

  it('explains the id alphabet on invalid characters or length', async () => {
    const { store } = await setup();
    const bad = await expectFlotillaError(store.tasks.resolve('k0l1'), 'INVALID_ID');
    expect(bad.message).toContain('23456789abcdefghjkmnpqrstuvwxyz');
    expect(bad.message).toContain('no 0, 1, i, l, o');
    const long = await expectFlotillaError(store.tasks.resolve('k3f9qa2'), 'INVALID_ID');
    expect(long.message).toContain('at most 6 characters');
    await expectFlotillaError(store.tasks.resolve(''), 'INVALID_ID');
    await expectFlotillaError(store.tasks.resolve('k3%'), 'INVALID_ID');
  });
});

describe('tasks: list, count and pagination', () => {
  it('orders by priority, then creation; filters by status, label, priority and repo', async () => {
    const { store, repo } = await setup();
    const other = await store.repos.register(
      { name: 'lib', path: '/srv/lib', defaultBranch: 'main' },
      'user',
    );
    const low = await store.tasks.create(repo.id, { title: 'low', priority: 'low', labels: ['ui'] }, 'user');
    const n1 = await store.tasks.create(repo.id, { title: 'n1', labels: ['bug', 'ui'] }, 'user');
    const urgent = await store.tasks.create(repo.id, { title: 'urgent', priority: 'urgent' }, 'user');
    const n2 = await store.tasks.create(repo.id, { title: 'n2', status: 'backlog', labels: ['bug'] }, 'user');
    const high = await store.tasks.create(
      other.id,
      { title: 'high', priority: 'high', labels: ['bug_fix'] },
      'user',
    );

    const ids = (tasks: { id: string }[]) => tasks.map((t) => t.id);
    expect(ids(await store.tasks.list())).toEqual([urgent.id, high.id, n1.id, n2.id, low.id]);
    expect(ids(await store.tasks.list({ repoId: repo.id }))).toEqual([urgent.id, n1.id, n2.id, low.id]);
    expect(ids(await store.tasks.list({ status: ['backlog'] }))).toEqual([n2.id]);
    expect(ids(await store.tasks.list({ label: ['bug'] }))).toEqual([n1.id, n2.id]);
    // Several labels: a task must carry all of them; matching is exact, not a substring.
    expect(ids(await store.tasks.list({ label: ['bug', 'ui'] }))).toEqual([n1.id]);
    expect(ids(await store.tasks.list({ label: ['bug_fix'] }))).toEqual([high.id]);
    expect(ids(await store.tasks.list({ label: ['Bug'] }))).toEqual([]);
    expect(ids(await store.tasks.list({ priority: ['low', 'urgent'] }))).toEqual([urgent.id, low.id]);
    expect(await store.tasks.count({ label: ['bug'] })).toBe(2);
    expect(await store.tasks.count()).toBe(5);
  });

  it('pages with limit and offset without gaps or repeats', async () => {
    const { store, repo } = await setup();
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await store.tasks.create(repo.id, { title: `t${i}` }, 'user'));
    const all = (await store.tasks.list()).map((t) => t.id);
    const paged: string[] = [];
    for (let offset = 0; offset < 7; offset += 3) {
      paged.push(...(await store.tasks.list({ limit: 3, offset })).map((t) => t.id));
    }
    expect(paged).toEqual(all);
    expect(new Set(paged).size).toBe(7);
    expect((await store.tasks.list({ offset: 5 })).map((t) => t.id)).toEqual(all.slice(5));
    expect(await store.tasks.count({ limit: 1 })).toBe(7);
  });

  it('refuses an invalid filter', async () => {
    const { store } = await setup();
    // @ts-expect-error: not a status, as an API client could send
    await expectFlotillaError(store.tasks.list({ status: ['doing'] }), 'INVALID_INPUT');
    await expectFlotillaError(store.tasks.list({ limit: 0 }), 'INVALID_INPUT');
  });

  it('returns dependencies with each listed task', async () => {
    const { store, repo } = await setup();
    const a = await store.tasks.create(repo.id, { title: 'a' }, 'user');
    const b = await store.tasks.create(repo.id, { title: 'b' }, 'user');
    const c = await store.tasks.create(repo.id, { title: 'c', dependsOn: [b.id, a.id.slice(0, 4)] }, 'user');
    const listed = await store.tasks.list();
    expect(listed.find((t) => t.id === c.id)?.dependsOn).toEqual([a.id, b.id].sort());
    expect(listed.find((t) => t.id === a.id)?.dependsOn).toEqual([]);
    expect((await store.tasks.dependents(a.id)).map((t) => t.id)).toEqual([c.id]);
  });
});

describe('tasks: update and move', () => {
  it('updates fields, labels (set, add, remove) and records what changed', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 'Fix login', labels: ['bug'] }, 'user');
    const updated = await store.tasks.update(
      task.id.slice(0, 3),
      { title: 'Fix the login', priority: 'high', addLabels: ['auth', 'bug'], removeLabels: ['bug'] },
      'api',
    );
    expect(updated).toMatchObject({ title: 'Fix the login', priority: 'high', labels: ['auth'] });
    expect(updated.updatedAt >= task.updatedAt).toBe(true);
    expect(await store.tasks.get(task.id)).toEqual(updated);
    const [event] = await store.events.list({ taskId: task.id, types: ['task.updated'] });
    expect(event).toMatchObject({
      actor: 'api',
      data: {
        changes: {
          title: { from: 'Fix login', to: 'Fix the login' },
          priority: { from: 'normal', to: 'high' },
          labels: { from: ['bug'], to: ['auth'] },
        },
      },
    });
    const replaced = await store.tasks.update(task.id, { labels: ['x', 'y'], addLabels: ['z'] }, 'user');
    expect(replaced.labels).toEqual(['x', 'y', 'z']);
  });

  it('appends no event when nothing changes', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 'same' }, 'user');
    const again = await store.tasks.update(task.id, { title: 'same', labels: [] }, 'user');
    expect(again).toEqual(task);
    expect(await store.events.list({ taskId: task.id })).toHaveLength(1);
  });

  it('refuses unknown patch fields', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    // @ts-expect-error: status changes go through move()
    await expectFlotillaError(store.tasks.update(task.id, { status: 'done' }, 'user'), 'INVALID_INPUT');
  });

  it('moves between statuses with task.moved {from, to}; an unknown status lists the valid ones', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    const moved = await store.tasks.move(task.id, 'in_progress', 'scheduler');
    expect(moved.status).toBe('in_progress');
    expect((await store.tasks.get(task.id))?.status).toBe('in_progress');
    await store.tasks.move(task.id, 'in_progress', 'scheduler');
    const moves = await store.events.list({ taskId: task.id, types: ['task.moved'] });
    expect(moves.map((e) => [e.actor, e.data])).toEqual([['scheduler', { from: 'todo', to: 'in_progress' }]]);

    // @ts-expect-error: as typed by a user
    const err = await expectFlotillaError(store.tasks.move(task.id, 'doing', 'user'), 'INVALID_STATUS');
    expect(err.message).toContain("'doing'");
    expect(err.hint).toBe('valid statuses: backlog, todo, in_progress, review, done, failed, cancelled');
  });
});

describe('tasks: ready', () => {
  it('lists todo tasks whose dependencies are all done, by priority', async () => {
    const { store, repo } = await setup();
    const base = await store.tasks.create(repo.id, { title: 'base' }, 'user');
    const child = await store.tasks.create(
      repo.id,
      { title: 'child', priority: 'urgent', dependsOn: [base.id] },
      'user',
    );
    const free = await store.tasks.create(repo.id, { title: 'free' }, 'user');
    await store.tasks.create(repo.id, { title: 'later', status: 'backlog' }, 'user');
    const other = await store.repos.register(
      { name: 'lib', path: '/srv/lib', defaultBranch: 'main' },
      'user',
    );
    const elsewhere = await store.tasks.create(other.id, { title: 'elsewhere', priority: 'high' }, 'user');

    const ids = async (repoId?: string) => (await store.tasks.ready(repoId)).map((t) => t.id);
    expect(await ids()).toEqual([elsewhere.id, base.id, free.id]);
    expect(await ids(repo.id)).toEqual([base.id, free.id]);
    await store.tasks.move(base.id, 'in_progress', 'scheduler');
    expect(await ids(repo.id)).toEqual([free.id]);
    await store.tasks.move(base.id, 'done', 'supervisor');
    expect(await ids(repo.id)).toEqual([child.id, free.id]);
  });
});

describe('tasks: remove', () => {
  it('deletes a task and records task.deleted; its events stay', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 'gone' }, 'user');
    const removed = await store.tasks.remove(task.id.slice(0, 4), 'user');
    expect(removed.id).toBe(task.id);
    expect(await store.tasks.get(task.id)).toBeNull();
    const events = await store.events.list({ taskId: task.id });
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.deleted']);
    expect(events[1]?.data).toMatchObject({ title: 'gone', droppedDependents: [] });
  });

  it('refuses while other tasks depend on it, unless forced, which drops those edges', async () => {
    const { store, repo } = await setup();
    const base = await store.tasks.create(repo.id, { title: 'base' }, 'user');
    const child = await store.tasks.create(repo.id, { title: 'child', dependsOn: [base.id] }, 'user');
    const err = await expectFlotillaError(store.tasks.remove(base.id, 'user'), 'CONFLICT');
    expect(err.message).toContain(`${child.id} "child"`);
    expect(err.hint).toContain('--force');
    expect(await store.tasks.get(base.id)).not.toBeNull();

    await store.tasks.remove(base.id, 'user', { force: true });
    expect((await store.tasks.get(child.id))?.dependsOn).toEqual([]);
    const [deleted] = await store.events.list({ types: ['task.deleted'] });
    expect(deleted?.data).toMatchObject({ droppedDependents: [child.id] });
  });

  it('refuses while an agent is live on it or its worktree exists; then succeeds', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    const worktree = await store.worktrees.create(
      {
        taskId: task.id,
        path: '/w/t',
        branch: 'flotilla/t',
        baseRef: 'main',
        baseCommit: 'abc',
        portBase: 4100,
      },
      'supervisor',
    );
    const agent = await store.agents.create(
      {
        taskId: task.id,
        adapter: 'claude-code',
        worktreeId: worktree.id,
        tmuxSession: 'f-t',
      },
      'supervisor',
    );
    const live = await expectFlotillaError(store.tasks.remove(task.id, 'user', { force: true }), 'CONFLICT');
    expect(live.message).toContain(`agent ${agent.id} (starting)`);

    await store.agents.setStatus(agent.id, 'stopped', 'user', 'user');
    const wt = await expectFlotillaError(store.tasks.remove(task.id, 'user'), 'CONFLICT');
    expect(wt.message).toContain('/w/t');

    await store.worktrees.markRemoved(worktree.id, 'supervisor');
    await store.tasks.remove(task.id, 'user');
    expect(await store.tasks.get(task.id)).toBeNull();
    expect(await store.agents.get(agent.id)).toBeNull();
  });
});
