import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * The landing queue (`flotilla land`): one row per pass of a task's branch through its repo's
 * queue. The row records the step before each is taken, and the prepared commit and the base it
 * was built on before the base moves, so a daemon that dies mid-landing finds, at boot, whether
 * the base moved and finishes or starts that landing again (core/landing-recovery.ts).
 */
export const landings: Migration = {
  version: 6,
  name: 'landings',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('landings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('repo_id', 'text', (c) => c.notNull().references('repos.id'))
      .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('step', 'text')
      .addColumn('strategy', 'text', (c) => c.notNull())
      .addColumn('base_ref', 'text', (c) => c.notNull())
      .addColumn('branch', 'text', (c) => c.notNull())
      .addColumn('base_before', 'text')
      .addColumn('commit_sha', 'text')
      .addColumn('failure', 'text')
      .addColumn('message', 'text')
      .addColumn('conflicts', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('verify_output', 'text')
      .addColumn('verify_exit', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // The queue is read per repo in order, and "is this task queued?" per task.
    await db.schema.createIndex('landings_repo_state').on('landings').columns(['repo_id', 'state']).execute();
    await db.schema.createIndex('landings_task').on('landings').columns(['task_id']).execute();
  },
};
