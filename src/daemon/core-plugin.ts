import type { FastifyInstance } from 'fastify';
import { repoRoutes } from '../api/routes/repos.js';
import { taskRoutes } from '../api/routes/tasks.js';
import { ensureStateDir } from '../config/paths.js';
import { EventService } from '../core/events.js';
import { RepoService } from '../core/repos.js';
import { TaskService } from '../core/tasks.js';
import { type EventBus, type FedBus, startEventBus } from '../events/index.js';
import { openStore, type Store } from '../store/index.js';
import type { DaemonContext, DaemonPlugin } from './plugin.js';

/**
 * The store, the services over it alone (repos, tasks, events) and the routes of the first two.
 * The daemon opens the database once and keeps it for its lifetime; every other plugin that needs
 * the store or these services gets them from here.
 */
export class CorePlugin implements DaemonPlugin {
  readonly name = 'core';
  private opened: Store | undefined;
  private fed: FedBus | undefined;
  private services: { repos: RepoService; tasks: TaskService; events: EventService } | undefined;

  get store(): Store {
    if (!this.opened) throw new Error('core plugin: the store is used before the daemon opened it');
    return this.opened;
  }

  /** The daemon's one event bus, fed from the store's log; opened with it. */
  get bus(): EventBus {
    if (!this.fed) throw new Error('core plugin: the bus is used before the daemon opened the store');
    return this.fed.bus;
  }

  /** The services over the store; opened with it. */
  get service(): { repos: RepoService; tasks: TaskService; events: EventService } {
    if (!this.services)
      throw new Error('core plugin: the services are used before the daemon opened the store');
    return this.services;
  }

  async open(ctx: Pick<DaemonContext, 'paths'>): Promise<Store> {
    if (!this.opened) {
      ensureStateDir(ctx.paths);
      const store = await openStore(ctx.paths.dbFile);
      this.fed = await startEventBus(store);
      this.opened = store;
      this.services = {
        repos: new RepoService(store),
        tasks: new TaskService(store),
        events: new EventService(store),
      };
    }
    return this.opened;
  }

  async routes(api: FastifyInstance, ctx: DaemonContext): Promise<void> {
    await this.open(ctx);
    repoRoutes(this.service.repos)(api);
    taskRoutes(this.service.tasks)(api);
  }

  async stop(): Promise<void> {
    this.fed?.close();
    this.fed = undefined;
    await this.opened?.close();
    this.opened = undefined;
    this.services = undefined;
  }
}
