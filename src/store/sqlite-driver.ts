import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
} from 'kysely';
import { rethrowSqlite } from './sqlite-errors.js';

const STATEMENT_CACHE_SIZE = 500;

/**
 * kysely's SQLite driver, changed in the two ways several processes sharing one file need:
 * transactions start with BEGIN IMMEDIATE, so a writer takes the lock up front and waits for it
 * (busy_timeout) instead of failing with SQLITE_BUSY when it upgrades a read lock mid-way; and
 * environmental errors become FlotillaErrors (DB_ERROR) with a hint.
 */
class StoreSqliteConnection implements DatabaseConnection {
  /**
   * Prepared statements by SQL text. kysely sends the same few statements over and over (an
   * event append is one insert, thousands a second under load) and preparing one costs about as
   * much as running it; SQLite re-prepares a cached one itself if the schema changed.
   */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly file: string,
  ) {}

  private prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.raw.prepare(sql);
      // Queries built from lists (`in (?, ?, …)`) vary in text: bound the cache, simply.
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const stmt = this.prepare(compiledQuery.sql);
      const params = compiledQuery.parameters as unknown[];
      if (stmt.reader) return Promise.resolve({ rows: stmt.all(params) as R[] });
      const { changes, lastInsertRowid } = stmt.run(params);
      return Promise.resolve({
        numAffectedRows: BigInt(changes),
        insertId: BigInt(lastInsertRowid),
        rows: [],
      });
    } catch (err) {
      rethrowSqlite(err, this.file);
    }
  }

  // biome-ignore lint/correctness/useYield: streaming is not used by the store; refuse it loudly.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the Flotilla SQLite driver does not stream queries');
  }
}

/** Serializes use of the single connection, as kysely's own SQLite driver does. */
class Mutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

/**
 * One mutex per database file in this process. better-sqlite3 waits for a lock synchronously,
 * so two connections of one process interleaving transactions would block the event loop of
 * the one holding the lock until the busy timeout; sharing the mutex makes them queue instead.
 */
const mutexes = new Map<string, Mutex>();

class StoreSqliteDriver implements Driver {
  private readonly mutex: Mutex;
  private readonly connection: StoreSqliteConnection;

  constructor(
    private readonly raw: BetterSqlite3.Database,
    file: string,
  ) {
    this.connection = new StoreSqliteConnection(raw, file);
    let mutex = mutexes.get(file);
    if (!mutex) {
      mutex = new Mutex();
      mutexes.set(file, mutex);
    }
    this.mutex = mutex;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite rolls back by itself after some errors (SQLITE_FULL…); a second rollback would
    // fail and hide the original error.
    if (this.raw.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    if (this.raw.open) this.raw.close();
  }
}

/** kysely's SQLite dialect (compiler, adapter, introspector) on the store's driver. */
export class StoreSqliteDialect extends SqliteDialect {
  constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly file: string,
  ) {
    super({ database: raw } satisfies SqliteDialectConfig);
  }

  override createDriver(): Driver {
    return new StoreSqliteDriver(this.raw, this.file);
  }
}
