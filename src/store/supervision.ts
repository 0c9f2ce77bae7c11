import type { Agent, AgentStatus, StatusSource } from '../domain/agent.js';
import type { Actor, EventData, FlotillaEvent } from '../domain/event.js';
import { type AgentFacts, AgentStore } from './agents.js';
import { storeNow } from './clock.js';
import type { StoreContext } from './context.js';
import { EventStore } from './events.js';
import type { AgentSupervisionTable } from './schema.js';

/**
 * The supervisor's own rows (`agent_supervision`, migration 3): how far each agent's hook file
 * has been read, a scheduled usage-limit resume or backoff restart, and the times of recent
 * policy restarts (the intensity window). Only the supervisor reads or writes them, through the
 * named operations here; each operation is one transaction.
 */

/** What the supervisor remembers about one agent. */
export interface SupervisionState {
  hookOffset: number;
  /** ISO time a usage-limited agent resumes at, or null. */
  resumeAt: string | null;
  /** ISO time a crashed agent's restart is due (waiting out its backoff), or null. */
  restartAt: string | null;
  /** Epoch ms of recent policy restarts (successful or not), oldest first. */
  restarts: number[];
}

/** An agent with a resume or a restart pending. */
export interface PendingWakeup {
  agentId: string;
  resumeAt: string | null;
  restartAt: string | null;
}

/** One hook line to record: its `agent.hook` data and the events file offset just past it. */
export interface HookRecord {
  agent: Pick<Agent, 'id' | 'repoId' | 'taskId'>;
  data: EventData<'agent.hook'>;
  offset: number;
}

/** A status change to record (the machine checked the transition). */
export interface StatusWrite {
  status: AgentStatus;
  source: StatusSource;
  actor: Actor;
  detail?: string;
}

/** What a hook did to its agent, recorded in the hook's own transaction. */
export interface HookEffect {
  status?: StatusWrite;
  facts?: AgentFacts;
}

/** A successful relaunch, as `recordRestart` commits it. */
export interface RestartRecord {
  at: number;
  /** The pid of the new pane process, or null. */
  pid: number | null;
  actor: Actor;
  reason: string;
  resumed: boolean;
  /** Counts toward restart.intensity (policy restarts); user restarts and resumes do not. */
  intensity: { windowSeconds: number } | null;
}

const EMPTY: SupervisionState = { hookOffset: 0, resumeAt: null, restartAt: null, restarts: [] };

type Patch = Partial<Pick<AgentSupervisionTable, 'hook_offset' | 'resume_at' | 'restart_at' | 'restarts'>>;

/** The supervisor's persistent memory of agents. */
export class SupervisionStore {
  constructor(private readonly ctx: StoreContext) {}

  async get(agentId: string): Promise<SupervisionState> {
    const row = await this.ctx.db
      .selectFrom('agent_supervision')
      .selectAll()
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    if (!row) return { ...EMPTY, restarts: [] };
    return {
      hookOffset: Number(row.hook_offset),
      resumeAt: row.resume_at,
      restartAt: row.restart_at,
      restarts: parseTimes(row.restarts),
    };
  }

  /** Every agent with a usage-limit resume or a backoff restart pending. */
  async pendingWakeups(): Promise<PendingWakeup[]> {
    const rows = await this.ctx.db
      .selectFrom('agent_supervision')
      .select(['agent_id', 'resume_at', 'restart_at'])
      .where((eb) => eb.or([eb('resume_at', 'is not', null), eb('restart_at', 'is not', null)]))
      .execute();
    return rows.map((r) => ({ agentId: r.agent_id, resumeAt: r.resume_at, restartAt: r.restart_at }));
  }

  setResumeAt(agentId: string, resumeAt: string | null): Promise<void> {
    return this.upsert(this.ctx, agentId, { resume_at: resumeAt });
  }

  setRestartAt(agentId: string, restartAt: string | null): Promise<void> {
    return this.upsert(this.ctx, agentId, { restart_at: restartAt });
  }

  /** Forgets a pending resume and restart; writes nothing when neither is set. */
  async clearWakeups(agentId: string): Promise<void> {
    await this.ctx.write(async (ctx) => {
      const { resumeAt, restartAt } = await new SupervisionStore(ctx).get(agentId);
      if (resumeAt !== null || restartAt !== null) {
        await this.upsert(ctx, agentId, { resume_at: null, restart_at: null });
      }
    });
  }

  /**
   * Records one hook line and what it did, in ONE transaction: the `agent.hook` event, the read
   * offset past the line, and the status change and facts it caused. After a crash either all
   * happened or none, so the line is read again and applied exactly once.
   */
  recordHook(
    hook: HookRecord,
    effect: HookEffect = {},
  ): Promise<{ event: FlotillaEvent; agent: Agent | null }> {
    return this.ctx.write(async (ctx) => {
      const { agent } = hook;
      const event = await new EventStore(ctx).append({
        type: 'agent.hook',
        actor: 'hook',
        repoId: agent.repoId,
        taskId: agent.taskId,
        agentId: agent.id,
        data: hook.data,
      });
      await this.upsert(ctx, agent.id, { hook_offset: hook.offset });
      const agents = new AgentStore(ctx);
      const { status } = effect;
      const updated = status
        ? await agents.setStatus(agent.id, status.status, status.source, status.actor, status.detail)
        : null;
      if (effect.facts) await agents.setFacts(agent.id, effect.facts);
      return { event, agent: updated };
    });
  }

  /**
   * A policy restart that failed: its time still counts toward restart.intensity (a relaunch
   * that keeps failing must give up like one that keeps crashing).
   */
  async recordFailedRestart(agentId: string, at: number, windowSeconds: number): Promise<void> {
    await this.ctx.write((ctx) => this.addRestartTime(ctx, agentId, at, windowSeconds));
  }

  /**
   * A successful relaunch, counted once: in one transaction the agent's restart count (what
   * users see) goes up with its new pid, a policy restart's time joins the intensity window, and
   * `agent.restarted` is appended.
   */
  recordRestart(agent: Agent, restart: RestartRecord): Promise<Agent> {
    return this.ctx.write(async (ctx) => {
      if (restart.intensity) {
        await this.addRestartTime(ctx, agent.id, restart.at, restart.intensity.windowSeconds);
      }
      const restartCount = agent.restartCount + 1;
      const updated = await new AgentStore(ctx).update(
        agent.id,
        { restartCount, pid: restart.pid, exitCode: null },
        'supervisor',
      );
      await new EventStore(ctx).append({
        type: 'agent.restarted',
        actor: restart.actor,
        repoId: agent.repoId,
        taskId: agent.taskId,
        agentId: agent.id,
        data: { restartCount, reason: restart.reason, resume: restart.resumed, sessionId: agent.sessionId },
      });
      return updated;
    });
  }

  private async addRestartTime(ctx: StoreContext, agentId: string, at: number, windowSeconds: number) {
    const { restarts } = await new SupervisionStore(ctx).get(agentId);
    // The same window as restart.ts's recentRestarts: (at - window, at].
    const since = at - windowSeconds * 1000;
    const recent = restarts.filter((t) => t > since && t <= at);
    await this.upsert(ctx, agentId, { restarts: JSON.stringify([...recent, at]) });
  }

  private async upsert(ctx: StoreContext, agentId: string, patch: Patch): Promise<void> {
    const now = storeNow();
    await ctx.write(async (w) => {
      await w.db
        .insertInto('agent_supervision')
        .values({
          agent_id: agentId,
          hook_offset: patch.hook_offset ?? 0,
          resume_at: patch.resume_at ?? null,
          restart_at: patch.restart_at ?? null,
          restarts: patch.restarts ?? '[]',
          updated_at: now,
        })
        .onConflict((oc) => oc.column('agent_id').doUpdateSet({ ...patch, updated_at: now }))
        .execute();
    });
  }
}

function parseTimes(json: string): number[] {
  try {
    const parsed: unknown = JSON.parse(json);
    if (Array.isArray(parsed)) return parsed.filter((n): n is number => typeof n === 'number');
  } catch {}
  return [];
}
