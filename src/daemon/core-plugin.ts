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

/** Options of a full daemon's plugins (tests point the dashboard at their own files). */
export interface DefaultPluginsOptions {
  /** The built dashboard's folder; default: `dist/web` (see `defaultWebRoot`). */
  webRoot?: string;
}

/** Every plugin of a full daemon, in start order. */
export async function defaultPlugins(options: DefaultPluginsOptions = {}): Promise<DaemonPlugin[]> {
  const core = new CorePlugin();
  const [{ SupervisorPlugin }, { StreamPlugin }, { WebPlugin }] = await Promise.all([
    import('./supervisor-plugin.js'),
    import('./stream-plugin.js'),
    import('./web-plugin.js'),
  ]);
  const supervisor = new SupervisorPlugin(core);
  return [
    core,
    supervisor,
    new StreamPlugin(core, {
      conversations: { page: (agentId, query) => supervisor.instance.conversation(agentId, query) },
    }),
    new WebPlugin(options.webRoot === undefined ? {} : { root: options.webRoot }),
  ];
}
