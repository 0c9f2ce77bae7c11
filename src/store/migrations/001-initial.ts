import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../dialect.js';
import type { Migration } from './types.js';

/** Repos, tasks and their dependencies, agents, worktrees and the event log. */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  async up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
    const schema = db.schema;

    await schema
      .createTable('repos')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull().unique())
      .addColumn('default_branch', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await schema
      .createTable('tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('repo_id', 'text', (c) => c.notNull().references('repos.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('prompt', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('external_refs', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await schema.createIndex('tasks_repo_status').on('tasks').columns(['repo_id', 'status']).execute();
    await schema.createIndex('tasks_status').on('tasks').column('status').execute();

    await schema
      .createTable('task_dependencies')
      .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
      .addColumn('depends_on_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('task_dependencies_pk', ['task_id', 'depends_on_id'])
      .execute();
    // The primary key serves "what does X depend on"; this serves "what depends on X".
    await schema
      .createIndex('task_dependencies_depends_on')
      .on('task_dependencies')
      .column('depends_on_id')
      .execute();

    await schema
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
      .addColumn('repo_id', 'text', (c) => c.notNull().references('repos.id'))
      .addColumn('adapter', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_source', 'text', (c) => c.notNull())
      .addColumn('status_since', 'text', (c) => c.notNull())
      .addColumn('worktree_path', 'text', (c) => c.notNull())
      .addColumn('branch', 'text', (c) => c.notNull())
      .addColumn('tmux_session', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('restart_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('pid', 'integer')
      .addColumn('exit_code', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text')
      .execute();
    await schema.createIndex('agents_task').on('agents').column('task_id').execute();
    await schema.createIndex('agents_repo').on('agents').column('repo_id').execute();

    await schema
      .createTable('worktrees')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('repo_id', 'text', (c) => c.notNull().references('repos.id'))
      .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('branch', 'text', (c) => c.notNull())
      .addColumn('base_ref', 'text', (c) => c.notNull())
      .addColumn('base_commit', 'text', (c) => c.notNull())
      .addColumn('port_base', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text')
      .execute();
    await schema.createIndex('worktrees_task').on('worktrees').column('task_id').execute();
    await schema.createIndex('worktrees_repo').on('worktrees').column('repo_id').execute();
    // Two live worktrees can share neither a directory nor a port block, even when two
    // processes allocate at the same moment.
    await schema
      .createIndex('worktrees_live_path')
      .on('worktrees')
      .column('path')
      .unique()
      .where(sql.ref('removed_at'), 'is', null)
      .execute();
    await schema
      .createIndex('worktrees_live_port')
      .on('worktrees')
      .column('port_base')
      .unique()
      .where(sql.ref('removed_at'), 'is', null)
      .execute();

    await schema
      .createTable('events')
      // Monotonic and never reused (SQLite AUTOINCREMENT, PostgreSQL identity): clients resume
      // a stream after the last id they saw.
      .addColumn('id', 'integer', (c) =>
        dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
      )
      .addColumn('ts', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('repo_id', 'text')
      .addColumn('task_id', 'text')
      .addColumn('agent_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await schema.createIndex('events_agent').on('events').columns(['agent_id', 'id']).execute();
    await schema.createIndex('events_task').on('events').columns(['task_id', 'id']).execute();
    await schema.createIndex('events_type').on('events').columns(['type', 'id']).execute();
  },
};
