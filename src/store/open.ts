import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { FlotillaError } from '../domain/errors.js';
import { AgentStore } from './agents.js';
import { EventFanout, type EventListener, StoreContext } from './context.js';
import type { StoreDialect } from './dialect.js';
import { EventStore } from './events.js';
import { prepareRowChecks } from './input.js';
import { LandingStore } from './landings.js';
import { migrate } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { RepoStore } from './repos.js';
import type { Database } from './schema.js';
import { connectSqlite } from './sqlite.js';
import { SupervisionStore } from './supervision.js';
import { TaskStore } from './tasks.js';
import { WorktreeStore } from './worktrees.js';

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** Open without writing anything; the database must exist and be at the current schema. */
  readonly?: boolean;
  /** How long a write waits for another process's lock. Default 5 s. */
  busyTimeoutMs?: number;
}

/** The entity modules, bound to one executor (the store itself, or a transaction). */
export interface StoreModules {
  readonly repos: RepoStore;
  readonly tasks: TaskStore;
  readonly agents: AgentStore;
  readonly worktrees: WorktreeStore;
  readonly events: EventStore;
  /** The supervisor's per-agent memory (hook offsets, wakeups, restart window). */
  readonly supervision: SupervisionStore;
  /** The landing queue. */
  readonly landings: LandingStore;
}

/** The entity modules inside one transaction, plus its kysely handle for custom queries. */
export interface StoreTransaction extends StoreModules {
  readonly db: Kysely<Database>;
}

/**
 * The entity modules over one executor, each built when first used: a transaction touches two or
 * three of them (a hook: agents, events, supervision), and building all six was most of its
 * set-up. The store itself takes all of them at once.
 */
class ModulesOf implements StoreTransaction {
  #repos?: RepoStore;
  #tasks?: TaskStore;
  #agents?: AgentStore;
  #worktrees?: WorktreeStore;
  #events?: EventStore;
  #supervision?: SupervisionStore;
  #landings?: LandingStore;

  constructor(private readonly ctx: StoreContext) {}

  get db(): Kysely<Database> {
    return this.ctx.db;
  }
  get repos(): RepoStore {
    this.#repos ??= new RepoStore(this.ctx);
    return this.#repos;
  }
  get tasks(): TaskStore {
    this.#tasks ??= new TaskStore(this.ctx);
    return this.#tasks;
  }
  get agents(): AgentStore {
    this.#agents ??= new AgentStore(this.ctx);
    return this.#agents;
  }
  get worktrees(): WorktreeStore {
    this.#worktrees ??= new WorktreeStore(this.ctx);
    return this.#worktrees;
  }
  get events(): EventStore {
    this.#events ??= new EventStore(this.ctx);
    return this.#events;
  }
  get supervision(): SupervisionStore {
    this.#supervision ??= new SupervisionStore(this.ctx);
    return this.#supervision;
  }
  get landings(): LandingStore {
    this.#landings ??= new LandingStore(this.ctx);
    return this.#landings;
  }
}

/** Flotilla's persistent state: repos, tasks, agents, worktrees and the event log. */
export class Store implements StoreModules {
  readonly repos: RepoStore;
  readonly tasks: TaskStore;
  readonly agents: AgentStore;
  readonly worktrees: WorktreeStore;
  readonly events: EventStore;
  readonly supervision: SupervisionStore;
  readonly landings: LandingStore;
  private readonly ctx: StoreContext;
  private closed = false;

  constructor(
    /** Where the data lives (absolute file path for SQLite). */
    readonly location: string,
    /** The kysely handle, for queries the modules do not offer. Not usable inside `transaction`. */
    readonly db: Kysely<Database>,
    readonly dialect: StoreDialect,
    /** Schema version of the open database (always the latest this Flotilla knows). */
    readonly schemaVersion: number,
    readonly readonly: boolean,
  ) {
    this.ctx = new StoreContext(db, dialect, new EventFanout());
    ({
      repos: this.repos,
      tasks: this.tasks,
      agents: this.agents,
      worktrees: this.worktrees,
      events: this.events,
      supervision: this.supervision,
      landings: this.landings,
    } = new ModulesOf(this.ctx));
  }

  /**
   * Runs several changes as one: all are committed, with their events, or none. Use the `tx`
   * argument inside, never the store itself (which waits for the transaction to end).
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.ctx.write((ctx) => fn(new ModulesOf(ctx)));
  }

  /** Calls `listener` with every event this process appends, after its transaction commits. */
  onEvent(listener: EventListener): () => void {
    return this.ctx.fanout.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }
}

/**
 * Opens the store in `file`, creating it (and its directory) when missing and migrating it to
 * the current schema. Cheap when the schema is current: a few pragmas, no query through kysely.
 * Refuses a database written by a newer Flotilla (DB_TOO_NEW) without touching it.
 */
export async function openStore(file: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = resolve(file);
  const readonly = options.readonly ?? false;
  const conn = connectSqlite(location, {
    readonly,
    maxVersion: LATEST_SCHEMA_VERSION,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
  try {
    let version = conn.version;
    if (version < LATEST_SCHEMA_VERSION) {
      if (readonly) {
        throw new FlotillaError(
          'DB_ERROR',
          `the database ${location} has schema v${version} and needs an upgrade to v${LATEST_SCHEMA_VERSION}`,
          { hint: 'open it once read-write (any ordinary Flotilla command does) to upgrade it' },
        );
      }
      version = await migrate(conn.db as Kysely<unknown>, conn.dialect);
    }
    await prepareRowChecks();
    return new Store(location, conn.db, conn.dialect, version, readonly);
  } catch (err) {
    await conn.db.destroy();
    throw err;
  }
}
