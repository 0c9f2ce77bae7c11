import type { Selectable } from 'kysely';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { Worktree } from '../domain/worktree.js';
import { storeNow } from './clock.js';
import type { StoreContext } from './context.js';
import { appendEvent } from './events.js';
import { freshId } from './ids.js';
import { checkRow, parseInput } from './input.js';
import { schemas, type WorktreeCreateInput } from './lazy.js';
import type { WorktreesTable } from './schema.js';

/** Input of `worktrees.create`; the repo is the task's. */
export type WorktreeCreate = WorktreeCreateInput;

/** Filter of `worktrees.list`. */
export interface WorktreeListOptions {
  repoId?: string;
  /** Include worktrees whose directory was removed (default: only existing ones). */
  includeRemoved?: boolean;
}

function toWorktree(row: Selectable<WorktreesTable>): Worktree {
  return checkRow(
    'worktrees',
    {
      id: row.id,
      repoId: row.repo_id,
      taskId: row.task_id,
      path: row.path,
      branch: row.branch,
      baseRef: row.base_ref,
      baseCommit: row.base_commit,
      portBase: row.port_base,
      createdAt: row.created_at,
      removedAt: row.removed_at,
    },
    row.id,
  );
}

/** Worktrees made for tasks. A removed worktree keeps its row (and its branch keeps its commits). */
export class WorktreeStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Records a new worktree. Its path and port block must not be used by another live worktree. */
  async create(input: WorktreeCreate, actor: Actor): Promise<Worktree> {
    const { WorktreeCreateSchema } = await schemas();
    const w = parseInput(WorktreeCreateSchema, input, 'worktree');
    return this.ctx.write(async (ctx) => {
      const task = await ctx.db
        .selectFrom('tasks')
        .select(['id', 'repo_id'])
        .where('id', '=', w.taskId)
        .executeTakeFirst();
      if (!task)
        throw new FlotillaError('NOT_FOUND', `task '${w.taskId}' not found`, { hint: 'flotilla task list' });
      const clash = await ctx.db
        .selectFrom('worktrees')
        .select(['id', 'path', 'port_base'])
        .where('removed_at', 'is', null)
        .where((eb) => eb.or([eb('path', '=', w.path), eb('port_base', '=', w.portBase)]))
        .executeTakeFirst();
      if (clash) {
        const what = clash.path === w.path ? `path ${w.path}` : `port block ${w.portBase}`;
        throw new FlotillaError('CONFLICT', `worktree ${clash.id} already uses ${what}`, {
          hint: 'choose another location or port block, or remove that worktree first',
        });
      }
      if (w.id !== undefined && (await new WorktreeStore(ctx).get(w.id))) {
        throw new FlotillaError('CONFLICT', `a worktree with id ${w.id} already exists`);
      }
      const now = storeNow();
      const worktree: Worktree = {
        id: w.id ?? (await freshId(ctx, 'worktrees')),
        repoId: task.repo_id,
        taskId: task.id,
        path: w.path,
        branch: w.branch,
        baseRef: w.baseRef,
        baseCommit: w.baseCommit,
        portBase: w.portBase,
        createdAt: now,
        removedAt: null,
      };
      await ctx.db
        .insertInto('worktrees')
        .values({
          id: worktree.id,
          repo_id: worktree.repoId,
          task_id: worktree.taskId,
          path: worktree.path,
          branch: worktree.branch,
          base_ref: worktree.baseRef,
          base_commit: worktree.baseCommit,
          port_base: worktree.portBase,
          created_at: now,
          removed_at: null,
        })
        .execute();
      const { path, branch, baseRef, baseCommit, portBase } = worktree;
      await appendEvent(
        ctx,
        'worktree.created',
        actor,
        { repoId: worktree.repoId, taskId: worktree.taskId },
        { worktreeId: worktree.id, path, branch, baseRef, baseCommit, portBase },
        now,
      );
      return worktree;
    });
  }

  async get(id: string): Promise<Worktree | null> {
    const row = await this.ctx.db.selectFrom('worktrees').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toWorktree(row) : null;
  }

  /** The worktree an agent works in (`agents.worktree_id`), removed or not; null for an unknown agent. */
  async ofAgent(agentId: string): Promise<Worktree | null> {
    const row = await this.ctx.db
      .selectFrom('agents')
      .innerJoin('worktrees', 'worktrees.id', 'agents.worktree_id')
      .selectAll('worktrees')
      .where('agents.id', '=', agentId)
      .executeTakeFirst();
    return row ? toWorktree(row) : null;
  }

  /** The task's live worktree (the newest, should there be several), or null. */
  async byTask(taskId: string): Promise<Worktree | null> {
    const row = await this.ctx.db
      .selectFrom('worktrees')
      .selectAll()
      .where('task_id', '=', taskId)
      .where('removed_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toWorktree(row) : null;
  }

  /**
   * The task's newest worktree, removed or not: where its branch is recorded even after the
   * directory went (landing, review, "has it landed?"). Null for a task no agent ever worked on.
   */
  async lastOfTask(taskId: string): Promise<Worktree | null> {
    const row = await this.ctx.db
      .selectFrom('worktrees')
      .selectAll()
      .where('task_id', '=', taskId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toWorktree(row) : null;
  }

  async list(options: WorktreeListOptions = {}): Promise<Worktree[]> {
    let q = this.ctx.db.selectFrom('worktrees').selectAll();
    if (!options.includeRemoved) q = q.where('removed_at', 'is', null);
    if (options.repoId !== undefined) q = q.where('repo_id', '=', options.repoId);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toWorktree);
  }

  /** Records that the directory is gone. Marking twice is a no-op. */
  async markRemoved(id: string, actor: Actor): Promise<Worktree> {
    return this.ctx.write(async (ctx) => {
      const before = await new WorktreeStore(ctx).get(id);
      if (!before) throw new FlotillaError('NOT_FOUND', `worktree '${id}' not found`);
      if (before.removedAt) return before;
      const now = storeNow();
      await ctx.db.updateTable('worktrees').set({ removed_at: now }).where('id', '=', id).execute();
      await appendEvent(
        ctx,
        'worktree.removed',
        actor,
        { repoId: before.repoId, taskId: before.taskId },
        { worktreeId: id, path: before.path, branch: before.branch },
        now,
      );
      return { ...before, removedAt: now };
    });
  }

  /** Port blocks held by live worktrees, ascending: the allocator picks one not in this list. */
  async usedPortBases(): Promise<number[]> {
    const rows = await this.ctx.db
      .selectFrom('worktrees')
      .select('port_base')
      .where('removed_at', 'is', null)
      .orderBy('port_base')
      .execute();
    return rows.map((r) => r.port_base);
  }
}
