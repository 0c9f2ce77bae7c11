import { FlotillaError } from '../domain/errors.js';

/**
 * Maps SQLite failures that come from the environment (file, disk, locks) to FlotillaErrors a
 * user can act on. Constraint violations are not translated: the entity modules check for
 * them first, so one that escapes is a bug and should surface as such.
 */

/** The `code` of a better-sqlite3 SqliteError (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`…), if any. */
export function sqliteCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

const PERMISSIONS_HINT =
  'check the permissions of the file and of its directory, or point FLOTILLA_HOME elsewhere';

/** A DB_ERROR for an environmental SQLite failure on `file`, or undefined for any other error. */
export function translateSqliteError(err: unknown, file: string): FlotillaError | undefined {
  if (err instanceof FlotillaError) return err;
  const code = sqliteCode(err);
  if (code === undefined) return undefined;
  const detail = (err as Error).message;
  const fail = (message: string, hint: string) =>
    new FlotillaError('DB_ERROR', message, { hint, cause: err });

  if (code === 'SQLITE_NOTADB') {
    return fail(
      `${file} is not a Flotilla database (not an SQLite file)`,
      'move that file away (Flotilla then creates a fresh database) or point FLOTILLA_HOME elsewhere',
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return fail(
      `the database ${file} is corrupt (${detail})`,
      `restore it from a backup, or salvage it with: sqlite3 ${file} .recover | sqlite3 recovered.db`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return fail(
      `the database ${file} stayed locked by another Flotilla process (${detail})`,
      'retry; if it keeps happening, look for a stuck Flotilla process: ps aux | grep flotilla',
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return fail(`cannot write to the database ${file} (${detail})`, PERMISSIONS_HINT);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return fail(`cannot open the database ${file} (${detail})`, PERMISSIONS_HINT);
  }
  if (code === 'SQLITE_FULL') {
    return fail(`the disk holding ${file} is full`, 'free some space, then retry');
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return fail(`I/O error on the database ${file} (${detail})`, 'check the disk and the file system');
  }
  return undefined;
}

/** Rethrows `err`, translated when it is an environmental SQLite failure. */
export function rethrowSqlite(err: unknown, file: string): never {
  throw translateSqliteError(err, file) ?? err;
}
