import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * One step of the schema. `version` is its position (1, 2, …) and is what the database records;
 * never edit a migration once released: add the next one. `up` runs inside a transaction with
 * foreign keys suspended, and sees the schema as the previous migrations left it, so it takes an
 * untyped Kysely rather than the current `Database` type.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}
