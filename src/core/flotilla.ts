import { loadConfig } from '../config/load.js';
import { ensureStateDir, resolvePaths, type StatePaths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { Agent } from '../domain/agent.js';
import type { FlotillaEvent } from '../domain/event.js';
import type { Repo } from '../domain/repo.js';
import type { Task, TaskCreate, TaskFilter, TaskStatus } from '../domain/task.js';
import { EventBus, type EventFilter, type EventHandler } from '../events/bus.js';
import type { AdmitOptions } from '../scheduler/admission.js';
import type { UpResult } from '../scheduler/up.js';
import { openStore, type Store } from '../store/index.js';

import type { RemoveOptions, RemoveOutcome, SupervisorLogger } from '../supervisor/index.js';
import { registerRepo } from './repos.js';
import { acquireStateLock } from './state-lock.js';
import { createSupervision } from './supervision.js';

/**
 * Flotilla as a library: the store, the supervisor and the admission gate of a daemon, in this
 * process, with no HTTP server. The daemon is this plus the API; both hold the same
 * one-per-state-dir lock, so a library instance and a daemon never supervise the same fleet.
 */

/** How to build a Flotilla in-process. */
export interface FlotillaOptions {
  /** State dir (FLOTILLA_HOME); default: from `env`, as the CLI finds it. */
  home?: string;
  /** Environment: config variables, PATH and HOME for agents. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Config values by dotted key (`{'limits.max_concurrent': 2}`), over every file and variable. */
  config?: Record<string, unknown>;
  logger?: SupervisorLogger;
}

/** The use cases, as a daemon serves them (the actor of every write is `api`). */
export interface Flotilla {
  readonly config: Config;
  readonly paths: StatePaths;
  readonly repos: {
    /** Registers the git repo containing `path`. */
    register(path: string, name?: string): Promise<{ repo: Repo; created: boolean }>;
    list(): Promise<Repo[]>;
  };
  readonly tasks: {
    add(repoId: string, input: TaskCreate): Promise<Task>;
    list(filter?: TaskFilter): Promise<Task[]>;
    get(idOrPrefix: string): Promise<Task>;
    move(idOrPrefix: string, status: TaskStatus): Promise<Task>;
  };
  readonly agents: {
    /** Starts an agent on a task through the admission gate (dependencies, limits). */
    start(taskIdOrPrefix: string, options?: AdmitOptions): Promise<Agent>;
    up(options?: { limit?: number; repoId?: string }): Promise<UpResult>;
    list(options?: { all?: boolean }): Promise<Agent[]>;
    get(idOrPrefix: string): Promise<Agent>;
    stop(idOrPrefix: string): Promise<Agent>;
    restart(idOrPrefix: string): Promise<Agent>;
    approve(idOrPrefix: string, options?: { always?: boolean }): Promise<string>;
    deny(idOrPrefix: string, options?: { message?: string }): Promise<string>;
    send(idOrPrefix: string, text: string): Promise<void>;
    remove(idOrPrefix: string, options?: RemoveOptions): Promise<RemoveOutcome>;
  };
  readonly events: {
    /** Every committed event matching `filter`, history first, then live. Returns unsubscribe. */
    subscribe(filter: EventFilter, handler: EventHandler): () => void;
    list(query?: {
      agentId?: string;
      taskId?: string;
      types?: FlotillaEvent['type'][];
    }): Promise<FlotillaEvent[]>;
  };
  /** Stops supervising and closes the store. Agents keep running in tmux, as with the daemon. */
  close(): Promise<void>;
}

export async function createFlotilla(options: FlotillaOptions = {}): Promise<Flotilla> {
  const env =
    options.home === undefined
      ? (options.env ?? process.env)
      : { ...(options.env ?? process.env), FLOTILLA_HOME: options.home };
  const paths = resolvePaths(env);
  const { config } = loadConfig({ env, ...(options.config ? { flags: options.config } : {}) });
  ensureStateDir(paths);
  const lock = acquireStateLock(paths);
  let store: Store | undefined;
  try {
    store = await openStore(paths.dbFile);
    const bus = new EventBus();
    const { supervisor, admission } = await createSupervision({
      store,
      config,
      paths,
      bus,
      env,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    await supervisor.boot();
    const s = store;
    return {
      config,
      paths,
      repos: {
        register: (path, name) => registerRepo(s, { path, name }, 'api'),
        list: () => s.repos.list(),
      },
      tasks: {
        add: (repoId, input) => s.tasks.create(repoId, input, 'api'),
        list: (filter) => s.tasks.list(filter),
        get: (id) => s.tasks.resolve(id),
        move: (id, status) => s.tasks.move(id, status, 'api'),
      },
      agents: {
        start: (taskId, startOptions) => admission.start(taskId, startOptions),
        up: (upOptions) => admission.up(upOptions),
        list: (listOptions) => supervisor.list(listOptions),
        get: (id) => supervisor.get(id),
        stop: (id) => supervisor.stop(id),
        restart: (id) => supervisor.restart(id),
        approve: (id, o) => supervisor.approve(id, o),
        deny: (id, o) => supervisor.deny(id, o),
        send: (id, text) => supervisor.send(id, text),
        remove: (id, o) => supervisor.remove(id, o),
      },
      events: {
        subscribe: (filter, handler) => bus.subscribe(filter, handler),
        list: (query = {}) => s.events.list(query),
      },
      close: async () => {
        await supervisor.close();
        await s.close();
        lock.release();
      },
    };
  } catch (err) {
    await store?.close().catch(() => undefined);
    lock.release();
    throw err;
  }
}
