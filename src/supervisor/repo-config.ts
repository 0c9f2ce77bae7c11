import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { repoScoped } from '../config/scope.js';

/** Loads the effective config for a repo: the daemon's layers plus the repo's flotilla.yaml. */
export type RepoConfigLoader = (repoPath: string) => Config;

/**
 * One daemon serves every repo, but each repo's `flotilla.yaml` (setup command, files to copy,
 * its own agents) must apply to the agents working in it. Configs are cached per repo and
 * reloaded when the file changes, so an edit takes effect at the next start without a restart.
 */
export class RepoConfigs {
  private readonly paths = new Map<string, string>();
  private readonly cache = new Map<string, { stamp: number; config: Config }>();

  constructor(
    private readonly base: Config,
    private readonly load: RepoConfigLoader | null,
  ) {}

  remember(repo: { id: string; path: string }): void {
    this.paths.set(repo.id, repo.path);
  }

  /** The repo's config; throws CONFIG_INVALID (with file, line and key) if its file is broken. */
  for(repoId: string | undefined): Config {
    const path = repoId === undefined ? undefined : this.paths.get(repoId);
    if (!this.load || path === undefined) return this.base;
    let stamp = -1;
    try {
      stamp = statSync(join(path, 'flotilla.yaml')).mtimeMs;
    } catch {
      // no repo file: the daemon's own layers are the whole config
    }
    // No repo file: the daemon's own config is the whole answer (and stays the one it was given).
    if (stamp === -1) return this.base;
    const hit = this.cache.get(path);
    if (hit && hit.stamp === stamp) return hit.config;
    // Daemon-scoped keys (limits, restart, ports, tmux…) are the daemon's whatever the repo loads.
    const config = repoScoped(this.load(path), this.base);
    this.cache.set(path, { stamp, config });
    return config;
  }

  /** Like `for`, but a broken file falls back to the daemon's config (for background loops). */
  forQuietly(repoId: string | undefined): Config {
    try {
      return this.for(repoId);
    } catch {
      return this.base;
    }
  }
}
