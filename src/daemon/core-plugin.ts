import type { FastifyInstance } from 'fastify';
import { repoRoutes } from '../api/routes/repos.js';
import { taskRoutes } from '../api/routes/tasks.js';
import { ensureStateDir } from '../config/paths.js';
import { openStore, type Store } from '../store/index.js';
import type { DaemonContext, DaemonPlugin } from './plugin.js';

/**
 * The store and the routes over it (repos, tasks). The daemon opens the database once and keeps
 * it for its lifetime; every other plugin that needs the store gets it from here.
 */
export class CorePlugin implements DaemonPlugin {
  readonly name = 'core';
  private opened: Store | undefined;

  get store(): Store {
    if (!this.opened) throw new Error('core plugin: the store is used before the daemon opened it');
    return this.opened;
  }

  async open(ctx: Pick<DaemonContext, 'paths'>): Promise<Store> {
    if (!this.opened) {
      ensureStateDir(ctx.paths);
      this.opened = await openStore(ctx.paths.dbFile);
    }
    return this.opened;
  }

  async routes(api: FastifyInstance, ctx: DaemonContext): Promise<void> {
    const store = await this.open(ctx);
    repoRoutes(store)(api);
    taskRoutes(store)(api);
  }

  async stop(): Promise<void> {
    await this.opened?.close();
    this.opened = undefined;
  }
}
