import type { Selectable, Updateable } from 'kysely';
import type { Agent, AgentStatus, PendingPermission, StatusSource } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import { AGENT_STATUSES, LIVE_AGENT_STATUSES } from '../domain/values.js';
import { storeNow } from './clock.js';
import type { StoreContext } from './context.js';
import { appendEvent } from './events.js';
import { freshId } from './ids.js';
import { checkRow, parseInput } from './input.js';
import { type AgentCreateInput, type AgentUpdateInput, schemas } from './lazy.js';
import { CANDIDATE_LIMIT, idPrefixWhere, parseIdPrefix, pickCandidate } from './resolve.js';
import type { AgentsTable } from './schema.js';

/** Input of `agents.create`. `id` may be chosen by the caller (it names the tmux session). */
export type AgentCreate = AgentCreateInput;

/** Fields `agents.update` may change; status goes through `setStatus`, which records its source. */
export type AgentUpdate = AgentUpdateInput;

/** Filter of `agents.list`. */
export interface AgentListOptions {
  /** Include removed agents (default: only those not removed). */
  all?: boolean;
  repoId?: string;
  taskId?: string;
}

const COLUMN: Record<keyof AgentUpdate, keyof AgentsTable> = {
  mode: 'mode',
  tmuxSession: 'tmux_session',
  sessionId: 'session_id',
  restartCount: 'restart_count',
  pid: 'pid',
  exitCode: 'exit_code',
};

/** An agent row with its worktree's path and branch (the join every read makes). */
type AgentRow = Selectable<AgentsTable> & { worktree_path: string; worktree_branch: string };

/**
 * Agents with their worktree's path and branch: the worktree row is the one place they are kept
 * (migration 5), and every reader of an agent (its view, the CLI, the supervisor) wants them.
 */
function selectAgents(db: StoreContext['db']) {
  return db
    .selectFrom('agents')
    .innerJoin('worktrees', 'worktrees.id', 'agents.worktree_id')
    .selectAll('agents')
    .select(['worktrees.path as worktree_path', 'worktrees.branch as worktree_branch']);
}

function toAgent(row: AgentRow): Agent {
  return checkRow(
    'agents',
    {
      id: row.id,
      taskId: row.task_id,
      repoId: row.repo_id,
      adapter: row.adapter,
      mode: row.mode,
      status: row.status,
      statusSource: row.status_source,
      statusSince: row.status_since,
      worktreePath: row.worktree_path,
      branch: row.worktree_branch,
      tmuxSession: row.tmux_session,
      sessionId: row.session_id,
      restartCount: row.restart_count,
      pid: row.pid,
      exitCode: row.exit_code,
      statusDetail: row.status_detail ?? null,
      lastMessage: row.last_message ?? null,
      pendingPermission: parsePending(row.pending_permission ?? null),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      removedAt: row.removed_at,
    },
    row.id,
  );
}

/** A stored permission request; an unreadable one is dropped rather than failing the whole row. */
function parsePending(json: string | null): PendingPermission | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as PendingPermission;
  } catch {
    return null;
  }
}

/** What `setFacts` records about the current status; `undefined` leaves a fact as it is. */
export interface AgentFacts {
  statusDetail?: string | null;
  lastMessage?: string | null;
  pendingPermission?: PendingPermission | null;
}

/** Agent instances. The daemon is their only writer; the CLI reads. */
export class AgentStore {
  constructor(private readonly ctx: StoreContext) {}

  async create(input: AgentCreate, actor: Actor): Promise<Agent> {
    const { AgentCreateSchema } = await schemas();
    const a = parseInput(AgentCreateSchema, input, 'agent');
    return this.ctx.write(async (ctx) => {
      const task = await ctx.db
        .selectFrom('tasks')
        .select(['id', 'repo_id'])
        .where('id', '=', a.taskId)
        .executeTakeFirst();
      if (!task)
        throw new FlotillaError('NOT_FOUND', `task '${a.taskId}' not found`, { hint: 'flotilla task list' });
      if (a.id !== undefined && (await new AgentStore(ctx).get(a.id))) {
        throw new FlotillaError('CONFLICT', `an agent with id ${a.id} already exists`);
      }
      const worktree = await ctx.db
        .selectFrom('worktrees')
        .select(['id', 'task_id', 'path', 'branch'])
        .where('id', '=', a.worktreeId)
        .executeTakeFirst();
      if (!worktree || worktree.task_id !== task.id) {
        throw new FlotillaError('NOT_FOUND', `worktree '${a.worktreeId}' of task ${task.id} not found`, {
          hint: 'record the worktree first (worktrees.create), in the same transaction',
        });
      }
      const now = storeNow();
      const agent: Agent = {
        id: a.id ?? (await freshId(ctx, 'agents')),
        taskId: task.id,
        repoId: task.repo_id,
        adapter: a.adapter,
        mode: a.mode,
        status: a.status,
        statusSource: a.statusSource,
        statusSince: now,
        worktreePath: worktree.path,
        branch: worktree.branch,
        tmuxSession: a.tmuxSession,
        sessionId: a.sessionId,
        restartCount: 0,
        pid: a.pid,
        exitCode: null,
        statusDetail: null,
        lastMessage: null,
        pendingPermission: null,
        createdAt: now,
        updatedAt: now,
        removedAt: null,
      };
      await ctx.db
        .insertInto('agents')
        .values({
          id: agent.id,
          task_id: agent.taskId,
          repo_id: agent.repoId,
          adapter: agent.adapter,
          mode: agent.mode,
          status: agent.status,
          status_source: agent.statusSource,
          status_since: now,
          worktree_id: worktree.id,
          tmux_session: agent.tmuxSession,
          session_id: agent.sessionId,
          restart_count: 0,
          pid: agent.pid,
          exit_code: null,
          created_at: now,
          updated_at: now,
          removed_at: null,
        })
        .execute();
      const { adapter, mode, status, branch, tmuxSession, sessionId } = agent;
      await appendEvent(
        ctx,
        'agent.created',
        actor,
        { repoId: agent.repoId, taskId: agent.taskId, agentId: agent.id },
        { adapter, mode, status, branch, tmuxSession, sessionId },
        now,
      );
      return agent;
    });
  }

  async get(id: string): Promise<Agent | null> {
    const row = await selectAgents(this.ctx.db).where('agents.id', '=', id).executeTakeFirst();
    return row ? toAgent(row) : null;
  }

  /**
   * The agent whose id starts with `idOrPrefix`. When several do, but only one of them is not
   * removed, that one wins: prefixes are typed from `agent list`, which hides removed agents.
   */
  async resolve(idOrPrefix: string): Promise<Agent> {
    const prefix = parseIdPrefix(idOrPrefix, 'agent');
    const rows = await this.ctx.db
      .selectFrom('agents')
      .select(['id', 'adapter', 'task_id', 'removed_at'])
      .where('id', ...idPrefixWhere(prefix))
      .orderBy('id')
      .limit(CANDIDATE_LIMIT)
      .execute();
    const current = rows.filter((r) => r.removed_at === null);
    const candidates = rows.length > 1 && current.length === 1 ? current : rows;
    const id = pickCandidate(
      'agent',
      prefix,
      candidates.map((r) => ({
        id: r.id,
        label: `(${r.adapter} on task ${r.task_id}${r.removed_at ? ', removed' : ''})`,
      })),
    );
    return this.require(this.ctx, id);
  }

  async list(options: AgentListOptions = {}): Promise<Agent[]> {
    let q = selectAgents(this.ctx.db);
    if (!options.all) q = q.where('agents.removed_at', 'is', null);
    if (options.repoId !== undefined) q = q.where('agents.repo_id', '=', options.repoId);
    if (options.taskId !== undefined) q = q.where('agents.task_id', '=', options.taskId);
    const rows = await q.orderBy('agents.created_at').orderBy('agents.id').execute();
    return rows.map(toAgent);
  }

  /** Changes bookkeeping fields (pid, session, restart count…); appends `agent.updated` with what changed. */
  async update(id: string, fields: AgentUpdate, actor: Actor): Promise<Agent> {
    const { AgentUpdateSchema } = await schemas();
    const patch = parseInput(AgentUpdateSchema, fields, 'agent change');
    return this.ctx.write(async (ctx) => {
      const before = await this.require(ctx, id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      // Values were checked by AgentUpdateSchema, whose fields mirror these columns.
      const set: Record<string, unknown> = {};
      for (const key of Object.keys(patch) as (keyof AgentUpdate)[]) {
        const to = patch[key];
        if (to === undefined || to === before[key]) continue;
        changes[key] = { from: before[key], to };
        set[COLUMN[key]] = to;
      }
      if (Object.keys(changes).length === 0) return before;
      const now = storeNow();
      await ctx.db
        .updateTable('agents')
        .set({ ...(set as Updateable<AgentsTable>), updated_at: now })
        .where('id', '=', before.id)
        .execute();
      await appendEvent(ctx, 'agent.updated', actor, refs(before), { changes }, now);
      const after: Agent = { ...before, updatedAt: now };
      for (const [key, change] of Object.entries(changes)) Object.assign(after, { [key]: change.to });
      return after;
    });
  }

  /**
   * Records a status seen from `source`. Appends `agent.status_changed` {from, to, source} only
   * when the status actually changes; repeating the current status changes nothing.
   */
  async setStatus(
    id: string,
    status: AgentStatus,
    source: StatusSource,
    actor: Actor,
    detail?: string,
  ): Promise<Agent> {
    const { AgentStatusSchema, StatusSourceSchema } = await schemas();
    if (!AgentStatusSchema.safeParse(status).success) {
      throw new FlotillaError('INVALID_STATUS', `unknown agent status '${String(status)}'`, {
        hint: `valid statuses: ${AGENT_STATUSES.join(', ')}`,
      });
    }
    if (!StatusSourceSchema.safeParse(source).success) {
      throw new FlotillaError('INVALID_INPUT', `unknown status source '${String(source)}'`, {
        hint: `valid sources: ${StatusSourceSchema.options.join(', ')}`,
      });
    }
    return this.ctx.write(async (ctx) => {
      const before = await this.require(ctx, id);
      if (before.status === status) return before;
      const now = storeNow();
      await ctx.db
        .updateTable('agents')
        .set({
          status,
          status_source: source,
          status_since: now,
          updated_at: now,
          status_detail: detail ?? null,
          // A request is open only while the dialog is: any other status closes it.
          ...(status === 'needs_permission' ? {} : { pending_permission: null }),
        })
        .where('id', '=', before.id)
        .execute();
      const data = { from: before.status, to: status, source, ...(detail === undefined ? {} : { detail }) };
      await appendEvent(ctx, 'agent.status_changed', actor, refs(before), data, now);
      const pendingPermission = status === 'needs_permission' ? before.pendingPermission : null;
      return {
        ...before,
        status,
        statusSource: source,
        statusSince: now,
        updatedAt: now,
        statusDetail: detail ?? null,
        pendingPermission,
      };
    });
  }

  /**
   * Records what the current status is about (no event: the status did not change, and the list
   * a client reads is rebuilt at least every second). Facts left `undefined` stay as they are.
   */
  async setFacts(id: string, facts: AgentFacts): Promise<void> {
    const set: {
      status_detail?: string | null;
      last_message?: string | null;
      pending_permission?: string | null;
    } = {};
    if (facts.statusDetail !== undefined) set.status_detail = facts.statusDetail;
    if (facts.lastMessage !== undefined) set.last_message = facts.lastMessage;
    if (facts.pendingPermission !== undefined) {
      set.pending_permission =
        facts.pendingPermission === null ? null : JSON.stringify(facts.pendingPermission);
    }
    if (Object.keys(set).length === 0) return;
    await this.ctx.write(async (ctx) => {
      await ctx.db.updateTable('agents').set(set).where('id', '=', id).execute();
    });
  }

  /** Hides an agent that is no longer running; its row stays for history. Removing twice is a no-op. */
  async remove(id: string, actor: Actor): Promise<Agent> {
    return this.ctx.write(async (ctx) => {
      const before = await this.require(ctx, id);
      if (before.removedAt) return before;
      if (LIVE_AGENT_STATUSES.includes(before.status)) {
        throw new FlotillaError(
          'CONFLICT',
          `agent ${before.id} is ${before.status}: stop it before removing it`,
          {
            hint: `stop agent ${before.id} first`,
          },
        );
      }
      const now = storeNow();
      await ctx.db
        .updateTable('agents')
        .set({ removed_at: now, updated_at: now })
        .where('id', '=', before.id)
        .execute();
      await appendEvent(ctx, 'agent.removed', actor, refs(before), { status: before.status }, now);
      return { ...before, removedAt: now, updatedAt: now };
    });
  }

  private async require(ctx: StoreContext, id: string): Promise<Agent> {
    const agent = await new AgentStore(ctx).get(id);
    if (!agent)
      throw new FlotillaError('NOT_FOUND', `agent '${id}' not found`, {
        hint: 'list agents with: flotilla ps --all',
      });
    return agent;
  }
}

function refs(agent: Agent): { repoId: string; taskId: string; agentId: string } {
  return { repoId: agent.repoId, taskId: agent.taskId, agentId: agent.id };
}
