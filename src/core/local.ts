/**
 * What the CLI does on this machine without the daemon, through core rather than by reaching
 * into the store or git itself: check the database (doctor), find the repo a directory is in
 * (init). Attaching to an agent's session is ./attach.ts.
 */
import type { StatePaths } from '../config/paths.js';

/** Opens the state dir's database (migrating it, as the daemon would), reads its schema version, closes it. */
export async function databaseVersion(paths: StatePaths): Promise<number> {
  const [{ ensureStateDir }, { openStore }] = await Promise.all([
    import('../config/paths.js'),
    import('../store/index.js'),
  ]);
  ensureStateDir(paths);
  const store = await openStore(paths.dbFile);
  try {
    return store.schemaVersion;
  } finally {
    await store.close();
  }
}

/** The toplevel of the git repo containing `dir` (GIT errors name what is wrong). */
export async function repoToplevel(dir: string): Promise<string> {
  const { gitToplevel } = await import('../git/index.js');
  return gitToplevel(dir);
}
