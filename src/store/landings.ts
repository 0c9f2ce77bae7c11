import type { Selectable } from 'kysely';
import type { Actor } from '../domain/event.js';
import type {
  ConflictFileInfo,
  Landing,
  LandingFailure,
  LandingState,
  LandingStep,
  LandingStrategyName,
} from '../domain/landing.js';
import { storeNow } from './clock.js';
import type { StoreContext } from './context.js';
import { appendEvent } from './events.js';
import { freshId } from './ids.js';
import type { LandingsTable } from './schema.js';

/**
 * The landing queue's rows (migration 6). Each operation is one transaction with its event, so
 * the log and the queue never disagree; the queue's order is the rows' creation order per repo.
 */

/** What `enqueue` records. */
export interface LandingEnqueue {
  repoId: string;
  taskId: string;
  strategy: LandingStrategyName;
  baseRef: string;
  branch: string;
}

/** How a landing ended without landing. */
export interface LandingFailureRecord {
  failure: LandingFailure;
  message: string;
  conflicts?: ConflictFileInfo[];
  attempt: number;
  /** The task went back to its agent (state `sent_back`) rather than waiting for the user (`failed`). */
  sentBack: boolean;
}

/** The states in which a landing still holds its task's place in the queue. */
export const ACTIVE_LANDING_STATES: readonly LandingState[] = ['queued', 'running'];

function toLanding(row: Selectable<LandingsTable>): Landing {
  return {
    id: row.id,
    repoId: row.repo_id,
    taskId: row.task_id,
    state: row.state as LandingState,
    step: row.step as LandingStep | null,
    strategy: row.strategy as LandingStrategyName,
    baseRef: row.base_ref,
    branch: row.branch,
    baseBefore: row.base_before,
    commit: row.commit_sha,
    failure: row.failure as LandingFailure | null,
    message: row.message,
    conflicts: JSON.parse(row.conflicts) as ConflictFileInfo[],
    verifyOutput: row.verify_output,
    verifyExit: row.verify_exit,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class LandingStore {
  constructor(private readonly ctx: StoreContext) {}

  async enqueue(input: LandingEnqueue, actor: Actor): Promise<Landing> {
    return this.ctx.write(async (ctx) => {
      const now = storeNow();
      const id = await freshId(ctx, 'landings');
      await ctx.db
        .insertInto('landings')
        .values({
          id,
          repo_id: input.repoId,
          task_id: input.taskId,
          state: 'queued',
          step: null,
          strategy: input.strategy,
          base_ref: input.baseRef,
          branch: input.branch,
          base_before: null,
          commit_sha: null,
          failure: null,
          message: null,
          conflicts: '[]',
          verify_output: null,
          verify_exit: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const { baseRef, branch, strategy } = input;
      await appendEvent(
        ctx,
        'landing.queued',
        actor,
        { repoId: input.repoId, taskId: input.taskId },
        { landingId: id, baseRef, branch, strategy },
        now,
      );
      return (await new LandingStore(ctx).get(id)) as Landing;
    });
  }

  async get(id: string): Promise<Landing | null> {
    const row = await this.ctx.db.selectFrom('landings').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toLanding(row) : null;
  }

  /** Landings, oldest first, by repo, task and state. */
  async list(
    filter: { repoId?: string; taskId?: string; states?: readonly LandingState[] } = {},
  ): Promise<Landing[]> {
    let q = this.ctx.db.selectFrom('landings').selectAll();
    if (filter.repoId) q = q.where('repo_id', '=', filter.repoId);
    if (filter.taskId) q = q.where('task_id', '=', filter.taskId);
    if (filter.states) q = q.where('state', 'in', [...filter.states]);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toLanding);
  }

  /** The first queued landing of a repo, or null. */
  async next(repoId: string): Promise<Landing | null> {
    const row = await this.ctx.db
      .selectFrom('landings')
      .selectAll()
      .where('repo_id', '=', repoId)
      .where('state', '=', 'queued')
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row ? toLanding(row) : null;
  }

  /** Begins `step` (the landing is running from then on), with what is known by now. */
  async step(
    landing: Pick<Landing, 'id' | 'repoId' | 'taskId'>,
    step: LandingStep,
    actor: Actor,
    known: { baseBefore?: string; commit?: string; verifyOutput?: string; verifyExit?: number } = {},
  ): Promise<void> {
    await this.ctx.write(async (ctx) => {
      const now = storeNow();
      await ctx.db
        .updateTable('landings')
        .set({
          state: 'running',
          step,
          updated_at: now,
          ...(known.baseBefore !== undefined ? { base_before: known.baseBefore } : {}),
          ...(known.commit !== undefined ? { commit_sha: known.commit } : {}),
          ...(known.verifyOutput !== undefined ? { verify_output: known.verifyOutput } : {}),
          ...(known.verifyExit !== undefined ? { verify_exit: known.verifyExit } : {}),
        })
        .where('id', '=', landing.id)
        .execute();
      await appendEvent(
        ctx,
        'landing.step',
        actor,
        { repoId: landing.repoId, taskId: landing.taskId },
        { landingId: landing.id, step },
        now,
      );
    });
  }

  /** Puts a running landing back in the queue (a restart found it half-way, before the base moved). */
  async requeue(id: string): Promise<void> {
    await this.ctx.db
      .updateTable('landings')
      .set({ state: 'queued', step: null, base_before: null, commit_sha: null, updated_at: storeNow() })
      .where('id', '=', id)
      .execute();
  }

  /** Records the landing as landed; the caller moves its task in the same transaction. */
  async landed(
    landing: Pick<Landing, 'id' | 'repoId' | 'taskId' | 'baseRef' | 'strategy'>,
    moved: { baseBefore: string; commit: string; how: string },
    actor: Actor,
  ): Promise<void> {
    const now = storeNow();
    await this.ctx.db
      .updateTable('landings')
      .set({
        state: 'landed',
        step: null,
        base_before: moved.baseBefore,
        commit_sha: moved.commit,
        updated_at: now,
      })
      .where('id', '=', landing.id)
      .execute();
    await appendEvent(
      this.ctx,
      'landing.landed',
      actor,
      { repoId: landing.repoId, taskId: landing.taskId },
      { landingId: landing.id, baseRef: landing.baseRef, strategy: landing.strategy, ...moved },
      now,
    );
  }

  /** Records why a landing did not land, and whether its task went back to its agent. */
  async failed(
    landing: Pick<Landing, 'id' | 'repoId' | 'taskId'>,
    record: LandingFailureRecord,
    actor: Actor,
  ): Promise<void> {
    await this.ctx.write(async (ctx) => {
      const now = storeNow();
      const conflicts = record.conflicts ?? [];
      await ctx.db
        .updateTable('landings')
        .set({
          state: record.sentBack ? 'sent_back' : 'failed',
          step: null,
          failure: record.failure,
          message: record.message,
          conflicts: JSON.stringify(conflicts),
          updated_at: now,
        })
        .where('id', '=', landing.id)
        .execute();
      await appendEvent(
        ctx,
        'landing.failed',
        actor,
        { repoId: landing.repoId, taskId: landing.taskId },
        {
          landingId: landing.id,
          failure: record.failure,
          message: record.message,
          files: conflicts.map((c) => c.path),
          attempt: record.attempt,
          sentBack: record.sentBack,
          ...(conflicts.length > 0 ? { conflicts } : {}),
        },
        now,
      );
    });
  }

  /** Takes a queued landing out of the queue. */
  async cancel(landing: Pick<Landing, 'id' | 'repoId' | 'taskId'>, actor: Actor): Promise<void> {
    await this.ctx.write(async (ctx) => {
      const now = storeNow();
      await ctx.db
        .updateTable('landings')
        .set({ state: 'cancelled', step: null, updated_at: now })
        .where('id', '=', landing.id)
        .execute();
      await appendEvent(
        ctx,
        'landing.cancelled',
        actor,
        { repoId: landing.repoId, taskId: landing.taskId },
        { landingId: landing.id },
        now,
      );
    });
  }
}
