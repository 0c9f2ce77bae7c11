import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { FlotillaError } from '../../../src/domain/errors.js';
import type { Repo } from '../../../src/domain/repo.js';
import { openStore, type Store } from '../../../src/store/index.js';

/** Temp dirs made during a test, removed after it. */
export function tempDirFixture(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-store-'));
    dirs.push(dir);
    return dir;
  };
}

/** A fresh store (in its own temp dir, closed after the test) with one registered repo. */
export function storeFixture(): () => Promise<{ store: Store; repo: Repo; file: string; dir: string }> {
  const tempDir = tempDirFixture();
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  return async () => {
    const dir = tempDir();
    const file = join(dir, 'state', 'flotilla.db');
    const store = await openStore(file);
    stores.push(store);
    const repo = await store.repos.register(
      { name: 'app', path: join(dir, 'app'), defaultBranch: 'main' },
      'user',
    );
    return { store, repo, file, dir };
  };
}

/** Awaits `promise`, expecting a FlotillaError with `code`; returns it for further checks. */
export async function expectFlotillaError(promise: Promise<unknown>, code: string): Promise<FlotillaError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a FlotillaError ${code}, but nothing was thrown`).toBeInstanceOf(FlotillaError);
  const error = caught as FlotillaError;
  expect(error.code, error.message).toBe(code);
  return error;
}

/** Row counts of every table, to show that a failed change left nothing behind. */
export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['repos', 'tasks', 'task_dependencies', 'agents', 'worktrees', 'events'] as const) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
