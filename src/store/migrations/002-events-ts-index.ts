import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * `flotilla events --since 1h` on a long-lived installation: without an index on the time
 * column that query reads the whole log.
 */
export const eventsTsIndex: Migration = {
  version: 2,
  name: 'events-ts-index',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('events_ts').on('events').column('ts').execute();
  },
};
