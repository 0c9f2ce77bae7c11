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
/**
 * How long a look at a repo's flotilla.yaml is trusted. Background loops ask for a repo's config
 * several times per agent per tick; one stat per repo a second is enough to see an edit.
 */
const STAMP_TTL_MS = 1_000;

export class RepoConfigs {
  private readonly paths = new Map<string, string>();
  private readonly cache = new Map<string, { stamp: number; config: Config }>();
  /** Each repo file's mtime (-1: none) and when it was read. */
  private readonly stamps = new Map<string, { stamp: number; at: number }>();

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
    const stamp = this.stampOf(path);
    // No repo file: the daemon's own config is the whole answer (and stays the one it was given).
    if (stamp === -1) return this.base;
    const hit = this.cache.get(path);
    if (hit && hit.stamp === stamp) return hit.config;
    // Daemon-scoped keys (limits, restart, ports, tmux…) are the daemon's whatever the repo loads.
    const config = repoScoped(this.load(path), this.base);
    this.cache.set(path, { stamp, config });
    return config;
  }

  /** The repo file's mtime, or -1 when there is none (looked at no more than once a second). */
  private stampOf(path: string): number {
    const now = Date.now();
    const seen = this.stamps.get(path);
    if (seen && now - seen.at < STAMP_TTL_MS) return seen.stamp;
    // No exception for a missing file: most repos have none, and this runs every tick.
    let stamp = -1;
    try {
      stamp = statSync(join(path, 'flotilla.yaml'), { throwIfNoEntry: false })?.mtimeMs ?? -1;
    } catch {}
    this.stamps.set(path, { stamp, at: now });
    return stamp;
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
