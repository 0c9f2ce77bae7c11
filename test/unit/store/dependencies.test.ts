import { describe, expect, it } from 'vitest';
import { expectFlotillaError, storeFixture, tableCounts } from './helpers.js';

const setup = storeFixture();

describe('task dependencies', () => {
  it('resolves dependency prefixes and refuses unknown ones, creating nothing', async () => {
    const { store, repo } = await setup();
    const base = await store.tasks.create(repo.id, { title: 'base' }, 'user');
    const before = await tableCounts(store);
    const err = await expectFlotillaError(
      store.tasks.create(repo.id, { title: 'child', dependsOn: [base.id.slice(0, 3), 'zzzz'] }, 'user'),
      'NOT_FOUND',
    );
    expect(err.message).toContain("dependency 'zzzz' not found");
    // No half-created task: no row, no edge, no event.
    expect(await tableCounts(store)).toEqual(before);

    const child = await store.tasks.create(
      repo.id,
      { title: 'child', dependsOn: [base.id.slice(0, 3)] },
      'user',
    );
    expect(child.dependsOn).toEqual([base.id]);
  });

  it('refuses a self-dependency as a cycle', async () => {
    const { store, repo } = await setup();
    const task = await store.tasks.create(repo.id, { title: 'Fix login' }, 'user');
    const err = await expectFlotillaError(
      store.tasks.update(task.id, { addDependsOn: [task.id] }, 'user'),
      'DEPENDENCY_CYCLE',
    );
    expect(err.message).toBe(
      `adding ${task.id} → ${task.id} would create a cycle: ${task.id} "Fix login" → ${task.id} "Fix login"`,
    );
  });

  it('refuses a 2-cycle, naming both tasks', async () => {
    const { store, repo } = await setup();
    const tests = await store.tasks.create(repo.id, { title: 'Add tests' }, 'user');
    const login = await store.tasks.create(repo.id, { title: 'Fix login', dependsOn: [tests.id] }, 'user');
    const err = await expectFlotillaError(
      store.tasks.update(tests.id, { addDependsOn: [login.id] }, 'user'),
      'DEPENDENCY_CYCLE',
    );
    expect(err.message).toBe(
      `adding ${tests.id} → ${login.id} would create a cycle: ` +
        `${tests.id} "Add tests" → ${login.id} "Fix login" → ${tests.id} "Add tests"`,
    );
  });

  it('refuses a 3-cycle made by an edit, and leaves the task unchanged', async () => {
    const { store, repo } = await setup();
    const a = await store.tasks.create(repo.id, { title: 'A' }, 'user');
    const b = await store.tasks.create(repo.id, { title: 'B', dependsOn: [a.id] }, 'user');
    const c = await store.tasks.create(repo.id, { title: 'C', dependsOn: [b.id] }, 'user');
    const before = await tableCounts(store);
    const err = await expectFlotillaError(
      store.tasks.update(a.id, { title: 'A2', dependsOn: [c.id] }, 'user'),
      'DEPENDENCY_CYCLE',
    );
    expect(err.message).toBe(
      `adding ${a.id} → ${c.id} would create a cycle: ${a.id} "A" → ${c.id} "C" → ${b.id} "B" → ${a.id} "A"`,
    );
    expect(await store.tasks.get(a.id)).toEqual(a);
    expect(await tableCounts(store)).toEqual(before);
  });

  it('sets, adds and removes dependencies, recording the change', async () => {
    const { store, repo } = await setup();
    const [a, b, c] = [
      await store.tasks.create(repo.id, { title: 'a' }, 'user'),
      await store.tasks.create(repo.id, { title: 'b' }, 'user'),
      await store.tasks.create(repo.id, { title: 'c' }, 'user'),
    ];
    const t = await store.tasks.create(repo.id, { title: 't', dependsOn: [a.id] }, 'user');
    const set = await store.tasks.update(t.id, { dependsOn: [b.id], addDependsOn: [c.id] }, 'user');
    expect(set.dependsOn).toEqual([b.id, c.id].sort());
    const removed = await store.tasks.update(t.id, { removeDependsOn: [b.id] }, 'user');
    expect(removed.dependsOn).toEqual([c.id]);
    expect((await store.tasks.get(t.id))?.dependsOn).toEqual([c.id]);
    const updates = await store.events.list({ taskId: t.id, types: ['task.updated'] });
    expect(updates.map((e) => e.data.changes)).toEqual([
      { dependsOn: { from: [a.id], to: [b.id, c.id].sort() } },
      { dependsOn: { from: [b.id, c.id].sort(), to: [c.id] } },
    ]);
  });

  it('drops edges both ways when a task is deleted (cascade)', async () => {
    const { store, repo } = await setup();
    const a = await store.tasks.create(repo.id, { title: 'a' }, 'user');
    const b = await store.tasks.create(repo.id, { title: 'b', dependsOn: [a.id] }, 'user');
    await store.tasks.create(repo.id, { title: 'c', dependsOn: [b.id] }, 'user');
    await store.tasks.remove(b.id, 'user', { force: true });
    expect((await tableCounts(store)).task_dependencies).toBe(0);
  });
});
