import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * What a status is about, kept with the agent so every client sees it without attaching and it
 * survives a daemon restart: the detail of the current status (the question asked, the tool
 * call), the agent's last message, and the permission request open now (JSON).
 */
export const agentStatusFacts: Migration = {
  version: 4,
  name: 'agent-status-facts',
  async up(db: Kysely<unknown>): Promise<void> {
    for (const column of ['status_detail', 'last_message', 'pending_permission']) {
      await db.schema.alterTable('agents').addColumn(column, 'text').execute();
    }
  },
};
