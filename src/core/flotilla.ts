import { loadConfig } from '../config/load.js';
import { ensureStateDir, resolvePaths, type StatePaths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { AgentView } from '../domain/agent-view.js';
import type { Actor, FlotillaEvent } from '../domain/event.js';
import type { Repo } from '../domain/repo.js';
import type { Task, TaskCreate, TaskFilter, TaskStatus } from '../domain/task.js';
import type { EventFilter, EventHandler } from '../events/bus.js';
import { startEventBus } from '../events/index.js';
import type { UpResult } from '../scheduler/up.js';
import { openStore, type Store } from '../store/index.js';

import type { RemoveOutcome, SupervisorLogger } from '../supervisor/index.js';
import { AgentService, type AgentStartOptions } from './agents.js';
import { type EventQuery, EventService } from './events.js';
import { RepoService } from './repos.js';
import { acquireStateLock } from './state-lock.js';
import { createSupervision } from './supervision.js';
import { TaskService } from './tasks.js';
import { type CleanOptions, type CleanReport, type WorktreeRow, WorktreeService } from './worktrees.js';

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
  /** Who this instance's writes are recorded as (`integration:<name>` for an integration); default `api`. */
  actor?: Actor;
}

/** The use cases, as the daemon serves them; every write is recorded as the instance's actor. */
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
    /** Moves a task, as the transition table of domain/task.ts lets the actor. */
    move(idOrPrefix: string, status: TaskStatus): Promise<Task>;
  };
  readonly agents: {
    /** Starts an agent on a task through the admission gate (dependencies, limits). */
    start(taskIdOrPrefix: string, options?: AgentStartOptions): Promise<AgentView>;
    up(options?: {
      max?: number;
      repo?: string;
    }): Promise<Omit<UpResult, 'started'> & { started: AgentView[] }>;
    list(options?: { all?: boolean }): Promise<AgentView[]>;
    get(idOrPrefix: string): Promise<AgentView>;
    stop(idOrPrefix: string): Promise<AgentView>;
    restart(idOrPrefix: string): Promise<AgentView>;
    approve(idOrPrefix: string, options?: { always?: boolean }): Promise<AgentView & { answered: string }>;
    deny(idOrPrefix: string, options?: { message?: string }): Promise<AgentView & { answered: string }>;
    send(idOrPrefix: string, text: string): Promise<void>;
    remove(
      idOrPrefix: string,
      options?: { force?: boolean; removeWorktree?: boolean },
    ): Promise<RemoveOutcome>;
  };
  readonly worktrees: {
    /** Worktrees with their git status and the agent working in each (all: removed ones too). */
    list(options?: { all?: boolean }): Promise<WorktreeRow[]>;
    /** Removes the worktrees no agent uses, never losing work unless forced. */
    clean(options?: CleanOptions): Promise<CleanReport>;
    prune(): ReturnType<WorktreeService['prune']>;
  };
  readonly events: {
    /** Every committed event matching `filter`, history first, then live. Returns unsubscribe. */
    subscribe(filter: EventFilter, handler: EventHandler): () => void;
    list(query?: EventQuery): Promise<FlotillaEvent[]>;
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
  // The `config` option is this layer's flags, but its problems must not read as a CLI flag
  // (`--limits.x`): each is labelled with where it was really set.
  const flags = options.config ?? {};
  const { config } = loadConfig({
    env,
    flags,
    flagNames: Object.fromEntries(Object.keys(flags).map((key) => [key, 'createFlotilla config'])),
  });
  ensureStateDir(paths);
  const lock = acquireStateLock(paths);
  let store: Store | undefined;
  try {
    store = await openStore(paths.dbFile);
    const fed = await startEventBus(store);
    const { bus } = fed;
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
    const actor = options.actor ?? 'api';
    const repos = new RepoService(s);
    const tasks = new TaskService(s);
    const events = new EventService(s);
    const worktrees = new WorktreeService(s, () => supervisor);
    const agents = new AgentService({
      store: s,
      slot: { supervision: { supervisor, admission } },
      repos,
      config,
      bus,
    });
    return {
      config,
      paths,
      repos: {
        register: (path, name) => repos.register({ path, name }, actor),
        list: () => repos.list(),
      },
      tasks: {
        add: (repoId, input) => tasks.add(repoId, input, actor),
        list: async (filter) => (await tasks.list(filter)).tasks,
        get: (id) => tasks.get(id),
        move: (id, status) => tasks.move(id, status, actor),
      },
      agents: {
        start: (taskId, startOptions = {}) => agents.start(taskId, startOptions, actor),
        up: (upOptions = {}) => agents.up(upOptions, actor),
        list: (listOptions) => agents.list(listOptions),
        get: (id) => agents.get(id),
        stop: (id) => agents.stop(id, actor),
        restart: (id) => agents.restart(id, actor),
        approve: (id, o = {}) => agents.approve(id, o, actor),
        deny: (id, o = {}) => agents.deny(id, o, actor),
        send: (id, text) => agents.send(id, text, actor),
        remove: (id, o = {}) => agents.remove(id, o, actor),
      },
      worktrees: {
        list: (listOptions) => worktrees.list(listOptions),
        clean: (cleanOptions = {}) => worktrees.clean(cleanOptions, actor),
        prune: () => worktrees.prune(),
      },
      events: {
        subscribe: (filter, handler) => bus.subscribe(filter, handler),
        list: (query = {}) => events.query(query),
      },
      close: async () => {
        await supervisor.close();
        fed.close();
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
