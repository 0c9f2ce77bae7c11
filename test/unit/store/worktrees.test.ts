import { describe, expect, it } from 'vitest';
import { expectFlotillaError, storeFixture } from './helpers.js';

const setup = storeFixture();

const wt = (taskId: string, path: string, portBase: number) => ({
  taskId,
  path,
  branch: `flotilla/${taskId}-x`,
  baseRef: 'main',
  baseCommit: '0123456789abcdef0123456789abcdef01234567',
  portBase,
});

describe('worktrees', () => {
  it('creates, reads and lists worktrees; records worktree.created', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    const w = await store.worktrees.create(wt(task.id, '/w/a', 4100), 'supervisor');
    expect(w).toMatchObject({
      repoId: repo.id,
      taskId: task.id,
      path: '/w/a',
      portBase: 4100,
      removedAt: null,
    });
    expect(await store.worktrees.get(w.id)).toEqual(w);
    expect(await store.worktrees.byTask(task.id)).toEqual(w);
    expect(await store.worktrees.list({ repoId: repo.id })).toEqual([w]);
    const [event] = await store.events.list({ types: ['worktree.created'] });
    expect(event).toMatchObject({
      actor: 'supervisor',
      taskId: task.id,
      data: { worktreeId: w.id, path: '/w/a' },
    });
  });

  it('refuses a path or port block held by a live worktree, and reuses them once removed', async () => {
    const { store, repo } = await setup();
    const t1 = await store.tasks.create(repo.id, { title: 't1' }, 'user');
    const t2 = await store.tasks.create(repo.id, { title: 't2' }, 'user');
    const w1 = await store.worktrees.create(wt(t1.id, '/w/a', 4100), 'supervisor');
    const path = await expectFlotillaError(
      store.worktrees.create(wt(t2.id, '/w/a', 4200), 'supervisor'),
      'CONFLICT',
    );
    expect(path.message).toContain('/w/a');
    const port = await expectFlotillaError(
      store.worktrees.create(wt(t2.id, '/w/b', 4100), 'supervisor'),
      'CONFLICT',
    );
    expect(port.message).toContain('port block 4100');
    await store.worktrees.create(wt(t2.id, '/w/b', 4200), 'supervisor');
    expect(await store.worktrees.usedPortBases()).toEqual([4100, 4200]);

    const removed = await store.worktrees.markRemoved(w1.id, 'supervisor');
    expect(removed.removedAt).not.toBeNull();
    await store.worktrees.markRemoved(w1.id, 'supervisor');
    expect(await store.events.list({ types: ['worktree.removed'] })).toHaveLength(1);
    expect(await store.worktrees.usedPortBases()).toEqual([4200]);
    expect(await store.worktrees.byTask(t1.id)).toBeNull();
    expect((await store.worktrees.list()).map((w) => w.path)).toEqual(['/w/b']);
    expect((await store.worktrees.list({ includeRemoved: true })).map((w) => w.path)).toEqual([
      '/w/a',
      '/w/b',
    ]);
    const again = await store.worktrees.create(wt(t1.id, '/w/a', 4100), 'supervisor');
    expect(await store.worktrees.byTask(t1.id)).toEqual(again);
  });

  it('refuses a bad port and an unknown task', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    await expectFlotillaError(store.worktrees.create(wt(task.id, '/w/a', 80), 'supervisor'), 'INVALID_INPUT');
    await expectFlotillaError(store.worktrees.create(wt('zzzzzz', '/w/a', 4100), 'supervisor'), 'NOT_FOUND');
    await expectFlotillaError(store.worktrees.markRemoved('zzzzzz', 'supervisor'), 'NOT_FOUND');
  });
});
