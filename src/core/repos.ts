import { basename } from 'node:path';
import { FlotillaError, NotFoundError } from '../domain/errors.js';
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

/** Registered repos: list, find by path or name, register. */
export class RepoService {
  constructor(private readonly store: Store) {}

  list(): Promise<Repo[]> {
    return this.store.repos.list();
  }

  /** The repo registered at `path` (the CLI's "current repo"); REPO_NOT_REGISTERED otherwise. */
  async atPath(path: string): Promise<Repo> {
    const repo = await this.store.repos.byPath(path);
    if (!repo) {
      throw new FlotillaError('REPO_NOT_REGISTERED', `${path} is not registered with Flotilla`, {
        hint: `run \`flotilla init\` in ${path} first`,
      });
    }
    return repo;
  }

  /** A repo by id or name; NOT_FOUND with the command that lists them. */
  async resolve(idOrName: string): Promise<Repo> {
    const repo = (await this.store.repos.list()).find((r) => r.id === idOrName || r.name === idOrName);
    if (!repo) throw new NotFoundError('repo', idOrName, 'list repos with: flotilla repo list');
    return repo;
  }

  /** Registers the git repo containing `path`; `created` is false when it already was. */
  register(input: { path: string; name?: string | undefined }, actor: Actor) {
    return registerRepo(this.store, input, actor);
  }
}
