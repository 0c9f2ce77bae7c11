import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { FlotillaError } from '../domain/errors.js';
import type { StoreDialect } from './dialect.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import { connectSqlite } from './sqlite.js';

/**
 * Brings a database to schema version `to` (default: the latest), one transaction per
 * migration. The version is re-read inside each transaction, so two processes upgrading the
 * same file at once apply each step exactly once. Returns the version reached.
 */
export async function migrate(
  db: Kysely<unknown>,
  dialect: StoreDialect,
  to: number = LATEST_SCHEMA_VERSION,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  checkSequence(migrations);
  if (!Number.isInteger(to) || to < 0 || to > migrations.length) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `cannot migrate to schema v${to}: known versions are 0…${migrations.length}`,
    );
  }
  return dialect.withoutForeignKeys(async () => {
    let version = await dialect.readSchemaVersion(db);
    for (const migration of migrations) {
      if (migration.version > to) break;
      if (migration.version <= version) continue;
      version = await db.transaction().execute(async (trx) => {
        const current = await dialect.readSchemaVersion(trx);
        if (current >= migration.version) return current;
        try {
          await migration.up(trx, dialect.name);
        } catch (err) {
          if (err instanceof FlotillaError) throw err;
          throw new FlotillaError(
            'DB_ERROR',
            `migration ${migration.version} (${migration.name}) of ${dialect.location} failed: ${(err as Error).message}`,
            { hint: 'the database was left at its previous version; please report this', cause: err },
          );
        }
        await dialect.writeSchemaVersion(trx, migration.version);
        return migration.version;
      });
    }
    return version;
  });
}

function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration '${m.name}' has version ${m.version}, expected ${i + 1}`);
  });
}

/**
 * Opens `file`, migrates it to version `to` and closes it: tests use it to build a database as
 * an older Flotilla left it.
 */
export async function migrateFile(file: string, to: number = LATEST_SCHEMA_VERSION): Promise<number> {
  const conn = connectSqlite(resolve(file), { maxVersion: LATEST_SCHEMA_VERSION });
  try {
    return await migrate(conn.db as Kysely<unknown>, conn.dialect, to);
  } finally {
    await conn.db.destroy();
  }
}
