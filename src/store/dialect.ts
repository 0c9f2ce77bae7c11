import type { Kysely, RawBuilder, SqlBool } from 'kysely';

/** Database engines the store can run on. Only SQLite exists today; PostgreSQL is planned. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * What the store needs from a database engine beyond kysely's portable query builder. Entity
 * modules stay engine-neutral by asking the dialect for the few things SQL engines disagree on;
 * a PostgreSQL dialect implements the same interface (schema version in a table, `?` on jsonb…).
 */
export interface StoreDialect {
  readonly name: DialectName;
  /** Where the data lives, for messages: a file path, or a URL without credentials. */
  readonly location: string;
  /** True when `err` is a UNIQUE / PRIMARY KEY violation raised by the engine. */
  isUniqueViolation(err: unknown): boolean;
  /** A condition: the JSON array (TEXT) in `column` holds the string `value`. */
  jsonArrayContains(column: string, value: string): RawBuilder<SqlBool>;
  /** The schema version recorded in the database (0 for a new one). */
  readSchemaVersion(db: Kysely<unknown>): Promise<number>;
  /** Records the schema version; called inside the migration's transaction. */
  writeSchemaVersion(db: Kysely<unknown>, version: number): Promise<void>;
  /**
   * Runs `fn` with foreign-key enforcement suspended (SQLite rebuilds tables to alter them),
   * then checks that no reference dangles.
   */
  withoutForeignKeys<T>(fn: () => Promise<T>): Promise<T>;
}
