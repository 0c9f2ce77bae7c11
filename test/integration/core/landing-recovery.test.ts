import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/schema.js';
import { recoverLandings } from '../../../src/core/landing-recovery.js';
import type { LandingStep } from '../../../src/domain/landing.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

/**
 * A daemon killed in the middle of a landing: the rows say which step it was in, git says where
 * the base is. Before the base moved, the landing goes back to the queue (to be built again);
 * once the base holds the prepared commit, only the bookkeeping is left and recovery does it.
 * Real store file, real git; the crash is the row a dead daemon leaves (the step recorded
 * before it is taken), and the base either moved (update-ref done) or not.
 */

const silent = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let store: Store;
let repo: TestRepo;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-recover-'));
  store = await openStore(join(dir, 'state.db'));
  repo = await makeRepo();
});
afterEach(async () => {
  await store.close();
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A task with a branch one commit ahead of main, and a landing row left at `step`. */
async function crashedAt(step: LandingStep) {
  const r = await store.repos.register({ name: 'r', path: repo.path, defaultBranch: 'main' }, 'user');
  const task = await store.tasks.create(r.id, { title: 'Work', status: 'review' }, 'user');
  const baseBefore = await repo.git(['rev-parse', 'main']);
  await repo.git(['switch', '-q', '-c', 'flotilla/work']);
  const commit = await repo.commit({ 'work.txt': 'work\n' }, 'the work');
  await repo.git(['switch', '-q', 'main']);
  await store.worktrees.create(
    {
      taskId: task.id,
      path: join(dir, 'wt'),
      branch: 'flotilla/work',
      baseRef: 'main',
      baseCommit: baseBefore,
      portBase: 20000,
    },
    'user',
  );
  const landing = await store.landings.enqueue(
    { repoId: r.id, taskId: task.id, strategy: 'rebase', baseRef: 'main', branch: 'flotilla/work' },
    'user',
  );
  await store.landings.step(landing, step, 'scheduler', { baseBefore, commit });
  return { task, landing, baseBefore, commit };
}

const recover = () =>
  recoverLandings({
    store,
    logger: silent,
    agents: () => ({
      configFor: () => ({
        ...defaultConfig(),
        landing: { ...defaultConfig().landing, remove_worktree: false },
      }),
      resumeWith: async () => {},
      stop: async () => {},
      remove: async () => {},
    }),
    scratchPath: (id) => join(dir, 'landing', id),
  });

describe('landing recovery after a crash', () => {
  for (const step of ['predict', 'prepare', 'verify', 'advance'] as const) {
    it(`killed in ${step} before the base moved: back in the queue, base and task untouched`, async () => {
      const { task, landing, baseBefore } = await crashedAt(step);
      const out = await recover();
      expect(out.requeued).toEqual([landing.id]);
      expect(await repo.git(['rev-parse', 'main'])).toBe(baseBefore);
      expect((await store.landings.get(landing.id))?.state).toBe('queued');
      expect((await store.tasks.get(task.id))?.status).toBe('review');
    });
  }

  for (const step of ['advance', 'finish'] as const) {
    it(`killed in ${step} after the base moved: recorded as landed, the task done, no commit lost`, async () => {
      const { task, landing, commit } = await crashedAt(step);
      await repo.git(['update-ref', 'refs/heads/main', commit]);
      const out = await recover();
      expect(out.finished).toEqual([landing.id]);
      expect(await repo.git(['rev-parse', 'main'])).toBe(commit);
      const after = await store.landings.get(landing.id);
      expect(after?.state).toBe('landed');
      expect(after?.commit).toBe(commit);
      expect((await store.tasks.get(task.id))?.status).toBe('done');
    });
  }
});
