import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * What the supervisor must remember across daemon restarts, per agent: how far its hook events
 * file has been read (so no hook line is lost or read twice), when a usage-limited agent is to
 * resume, a restart waiting out its backoff, and its recent restarts (the intensity limit
 * counts restarts in a window).
 */
export const agentSupervision: Migration = {
  version: 3,
  name: 'agent-supervision',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('agent_supervision')
      .addColumn('agent_id', 'text', (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
      .addColumn('hook_offset', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('resume_at', 'text')
      .addColumn('restart_at', 'text')
      .addColumn('restarts', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
