import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from '../../../src/domain/agent.js';
import { openStore, type Store } from '../../../src/store/index.js';

/** A real SQLite store in a temp dir with one repo, one task and one agent on it. */
export interface StoreFixture {
  dir: string;
  store: Store;
  agent: Agent;
  cleanup(): Promise<void>;
}

export async function makeStoreFixture(): Promise<StoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-sup-'));
  const store = await openStore(join(dir, 'flotilla.db'));
  const repo = await store.repos.register(
    { name: 'r', path: join(dir, 'repo'), defaultBranch: 'main' },
    'user',
  );
  const task = await store.tasks.create(repo.id, { title: 'Do it' }, 'user');
  const worktree = await store.worktrees.create(
    {
      taskId: task.id,
      path: join(dir, 'wt'),
      branch: 'flotilla/x',
      baseRef: 'main',
      baseCommit: '0'.repeat(40),
      portBase: 20000,
    },
    'supervisor',
  );
  const agent = await store.agents.create(
    { taskId: task.id, adapter: 'custom', worktreeId: worktree.id, tmuxSession: 'flotilla-x' },
    'supervisor',
  );
  return {
    dir,
    store,
    agent,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
