import { basename } from 'node:path';
import type { Actor } from '../domain/event.js';
import type { Repo } from '../domain/repo.js';
import type { Store } from '../store/index.js';

/** Registers the git repo containing `path` (its toplevel and default branch come from git). */
export async function registerRepo(
  store: Store,
  input: { path: string; name?: string | undefined },
  actor: Actor,
): Promise<{ repo: Repo; created: boolean }> {
  const { gitToplevel, defaultBranch } = await import('../git/index.js');
  const root = await gitToplevel(input.path);
  const existing = await store.repos.byPath(root);
  if (existing) return { repo: existing, created: false };
  const repo = await store.repos.register(
    { name: input.name ?? basename(root), path: root, defaultBranch: await defaultBranch(root) },
    actor,
  );
  return { repo, created: true };
}
