import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { FlotillaError } from '../domain/errors.js';
import type { StoreDialect } from './dialect.js';
import type { Database } from './schema.js';
import { StoreSqliteDialect } from './sqlite-driver.js';
import { rethrowSqlite, sqliteCode } from './sqlite-errors.js';

/*
 * Everything SQLite-specific lives here and in sqlite-driver.ts: opening the file, pragmas, the
 * schema version (PRAGMA user_version: one read, no table, so start-up stays cheap) and the few
 * SQL helpers entity modules ask the dialect for.
 */

/** How long a writer waits for another process's write lock before giving up. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export interface ConnectOptions {
  readonly?: boolean;
  busyTimeoutMs?: number;
  /** Refuse (DB_TOO_NEW, file untouched) a database whose schema is newer than this. */
  maxVersion: number;
}

/** An open SQLite database, not yet migrated. */
export interface SqliteConnection {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** Schema version found on disk when it was opened. */
  version: number;
}

class SqliteStoreDialect implements StoreDialect {
  readonly name = 'sqlite' as const;

  constructor(
    readonly location: string,
    private readonly raw: BetterSqlite3.Database,
  ) {}

  isUniqueViolation(err: unknown): boolean {
    const code = sqliteCode(err);
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  jsonArrayContains(column: string, value: string): RawBuilder<SqlBool> {
    return sql<SqlBool>`exists (select 1 from json_each(${sql.ref(column)}) where json_each.value = ${value})`;
  }

  async readSchemaVersion(db: Kysely<unknown>): Promise<number> {
    const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(db);
    return rows[0]?.user_version ?? 0;
  }

  async writeSchemaVersion(db: Kysely<unknown>, version: number): Promise<void> {
    if (!Number.isSafeInteger(version) || version < 0) throw new Error(`bad schema version ${version}`);
    // PRAGMA takes no bound parameters; the value is a checked integer.
    await sql.raw(`pragma user_version = ${version}`).execute(db);
  }

  async withoutForeignKeys<T>(fn: () => Promise<T>): Promise<T> {
    // A no-op inside a transaction, so it is toggled around the migrations, not within them.
    this.raw.pragma('foreign_keys = OFF');
    try {
      const result = await fn();
      const dangling = this.raw.pragma('foreign_key_check') as { table: string; parent: string }[];
      if (dangling.length > 0) {
        const first = dangling[0]!;
        throw new FlotillaError(
          'DB_ERROR',
          `migrating ${this.location} left ${dangling.length} dangling reference(s), e.g. ${first.table} → ${first.parent}`,
          {
            hint: 'this is a bug in a Flotilla migration: please report it with the output of flotilla --version',
          },
        );
      }
      return result;
    } finally {
      this.raw.pragma('foreign_keys = ON');
    }
  }
}

/** better-sqlite3 finds its addon through `bindings`, which probes many paths; skip that when we can. */
function nativeBinding(): string | undefined {
  try {
    const path = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** How long a 0-byte database may be another process's brand-new one before it counts as damaged. */
const CREATING_GRACE_MS = 2_000;

/**
 * A 0-byte database is what truncation, a failed copy or a full disk leaves; SQLite would take
 * it as a new, empty database and the user's repos and tasks would vanish without a word. Only
 * a fresh install (the state dir holds nothing but this file) may start over from it. A file
 * another Flotilla process is creating right now is 0 bytes for a few ms (until its first
 * pragma writes the header): wait a moment for that before refusing.
 */
function refuseEmptyDatabase(file: string): void {
  const size = () => {
    try {
      return statSync(file).size;
    } catch {
      return -1;
    }
  };
  if (size() !== 0) return;
  const own = new Set([
    basename(file),
    `${basename(file)}-wal`,
    `${basename(file)}-shm`,
    `${basename(file)}-journal`,
  ]);
  let others: string[];
  try {
    others = readdirSync(dirname(file)).filter((name) => !own.has(name));
  } catch {
    return;
  }
  if (others.length === 0) return;
  // Only a file made moments ago can be another process's new database.
  let deadline = 0;
  try {
    deadline = statSync(file).mtimeMs + CREATING_GRACE_MS;
  } catch {}
  while (size() === 0 && Date.now() < deadline)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  if (size() !== 0) return;
  throw new FlotillaError(
    'DB_ERROR',
    `the database ${file} is empty (0 bytes), but ${dirname(file)} holds other Flotilla state (${others.slice(0, 3).join(', ')}): it was truncated or replaced, and opening it would start a new database without your repos and tasks`,
    {
      hint: `restore it from a backup; or, to start over with a new database, move the empty file aside: mv ${file} ${file}.empty`,
    },
  );
}

function prepareFile(file: string, readonly: boolean): void {
  refuseEmptyDatabase(file);
  if (readonly) {
    if (!existsSync(file)) {
      throw new FlotillaError('DB_ERROR', `there is no Flotilla database at ${file}`, {
        hint: 'run flotilla init in a repository first, or check FLOTILLA_HOME',
      });
    }
    return;
  }
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Create it ourselves so prompts and history are readable by this user only; SQLite gives
    // its -wal and -shm files the same mode.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  } catch (err) {
    throw new FlotillaError(
      'STATE_DIR_UNWRITABLE',
      `cannot create the database ${file}: ${(err as Error).message}`,
      {
        hint: 'check the permissions of that directory, or point FLOTILLA_HOME elsewhere',
        cause: err,
      },
    );
  }
}

/**
 * Opens (creating if needed) the SQLite file and reads its schema version. A database newer than
 * `maxVersion` is refused before anything is written to it, pragmas included.
 */
export function connectSqlite(file: string, options: ConnectOptions): SqliteConnection {
  const readonly = options.readonly ?? false;
  prepareFile(file, readonly);
  let raw: BetterSqlite3.Database | undefined;
  try {
    const binding = nativeBinding();
    raw = new BetterSqlite3(file, {
      readonly,
      fileMustExist: readonly,
      timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      ...(binding === undefined ? {} : { nativeBinding: binding }),
    });
    // Reading the header also tells a non-database file apart (SQLITE_NOTADB).
    const version = raw.pragma('user_version', { simple: true }) as number;
    if (version > options.maxVersion) {
      throw new FlotillaError(
        'DB_TOO_NEW',
        `the database ${file} was written by a newer Flotilla (schema v${version}, this version knows up to v${options.maxVersion})`,
        { hint: 'upgrade flotilla (npm i -g flotilla@latest) or point FLOTILLA_HOME elsewhere' },
      );
    }
    if (!readonly) {
      // WAL lets the CLI read while the daemon writes; NORMAL is durable enough with WAL
      // (a power cut may lose the last commits, never corrupt the file).
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
    }
    raw.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new StoreSqliteDialect(raw, file) });
    return { db, dialect: new SqliteStoreDialect(file, raw), version };
  } catch (err) {
    if (raw?.open) raw.close();
    rethrowSqlite(err, file);
  }
}
