import { randomInt } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { ID_ALPHABET, ID_LENGTH } from '../../domain/values.js';
import type { Migration } from './types.js';

/**
 * Agents reference their worktree by id (`agents.worktree_id`, not null) instead of copying its
 * path and branch: the worktree row is the one place they live, and the agent view reads them by
 * a join. SQLite cannot add a NOT NULL reference to an existing table, so `agents` is rebuilt
 * (create, copy, drop, rename: the documented way; foreign keys are off during migrations).
 *
 * Each agent gets the worktree of its task at its path: the live one, else the newest. An agent
 * whose worktree row is missing (recorded by an older Flotilla before the worktree, or the row
 * lost) keeps its path and branch in a new worktree row marked removed, so no agent is lost and
 * nothing treats that directory as a live worktree (base unknown: empty; port block: 1024, never
 * allocated, as removed rows hold no port).
 */

/** The port block a recovered, removed worktree row carries (the lowest valid one). */
const RECOVERED_PORT_BASE = 1024;

interface OldAgent {
  id: string;
  task_id: string;
  repo_id: string;
  worktree_path: string;
  branch: string;
  created_at: string;
}

export const agentWorktreeId: Migration = {
  version: 5,
  name: 'agent-worktree-id',
  async up(db: Kysely<unknown>): Promise<void> {
    const { rows: agents } = await sql<OldAgent>`
      select id, task_id, repo_id, worktree_path, branch, created_at from agents`.execute(db);
    const worktreeOf = new Map<string, string>();
    for (const agent of agents) {
      const { rows } = await sql<{ id: string }>`
        select id from worktrees where task_id = ${agent.task_id} and path = ${agent.worktree_path}
        order by removed_at is not null, created_at desc, id desc limit 1`.execute(db);
      let id = rows[0]?.id;
      if (id === undefined) {
        id = await unusedWorktreeId(db);
        const now = new Date().toISOString();
        await sql`
          insert into worktrees (id, repo_id, task_id, path, branch, base_ref, base_commit, port_base, created_at, removed_at)
          values (${id}, ${agent.repo_id}, ${agent.task_id}, ${agent.worktree_path}, ${agent.branch}, '', '',
            ${RECOVERED_PORT_BASE}, ${agent.created_at}, ${now})`.execute(db);
      }
      worktreeOf.set(agent.id, id);
    }

    await db.schema
      .createTable('agents_v5')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
      .addColumn('repo_id', 'text', (c) => c.notNull().references('repos.id'))
      .addColumn('worktree_id', 'text', (c) => c.notNull().references('worktrees.id'))
      .addColumn('adapter', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_source', 'text', (c) => c.notNull())
      .addColumn('status_since', 'text', (c) => c.notNull())
      .addColumn('tmux_session', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('restart_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('pid', 'integer')
      .addColumn('exit_code', 'integer')
      .addColumn('status_detail', 'text')
      .addColumn('last_message', 'text')
      .addColumn('pending_permission', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text')
      .execute();
    const columns = sql.raw(
      'id, task_id, repo_id, adapter, mode, status, status_source, status_since, tmux_session, session_id, ' +
        'restart_count, pid, exit_code, status_detail, last_message, pending_permission, created_at, updated_at, removed_at',
    );
    await sql`insert into agents_v5 (${columns}, worktree_id) select ${columns}, '' from agents`.execute(db);
    for (const [agentId, worktreeId] of worktreeOf) {
      await sql`update agents_v5 set worktree_id = ${worktreeId} where id = ${agentId}`.execute(db);
    }
    await db.schema.dropTable('agents').execute();
    await db.schema.alterTable('agents_v5').renameTo('agents').execute();
    await db.schema.createIndex('agents_task').on('agents').column('task_id').execute();
    await db.schema.createIndex('agents_repo').on('agents').column('repo_id').execute();
    await db.schema.createIndex('agents_worktree').on('agents').column('worktree_id').execute();
  },
};

/** A worktree id no row has (domain/ids.ts's newId, without loading zod into a migration). */
async function unusedWorktreeId(db: Kysely<unknown>): Promise<string> {
  for (;;) {
    let id = '';
    for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
    const { rows } = await sql`select 1 from worktrees where id = ${id}`.execute(db);
    if (rows.length === 0) return id;
  }
}
