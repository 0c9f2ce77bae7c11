import type { Agent } from '../domain/agent.js';
import type { FlotillaEvent } from '../domain/event.js';
import { nowIso } from '../domain/time.js';
import type { Store } from '../store/open.js';

/**
 * The supervisor's own rows (`agent_supervision`, migration 3): how far each agent's hook file
 * has been read, a scheduled usage-limit resume, and recent restart times. Kept out of the
 * agents table because only the supervisor reads or writes them.
 */

/** What the supervisor remembers about one agent. */
export interface SupervisionState {
  hookOffset: number;
  /** ISO time a usage-limited agent resumes at, or null. */
  resumeAt: string | null;
  /** ISO time a crashed agent's restart is due (waiting out its backoff), or null. */
  restartAt: string | null;
  /** Epoch ms of recent restarts, oldest first. */
  restarts: number[];
}

const EMPTY: SupervisionState = { hookOffset: 0, resumeAt: null, restartAt: null, restarts: [] };

type Db = Store['db'];

export async function readSupervision(db: Db, agentId: string): Promise<SupervisionState> {
  const row = await db
    .selectFrom('agent_supervision')
    .selectAll()
    .where('agent_id', '=', agentId)
    .executeTakeFirst();
  if (!row) return { ...EMPTY, restarts: [] };
  let restarts: number[] = [];
  try {
    const parsed: unknown = JSON.parse(row.restarts);
    if (Array.isArray(parsed)) restarts = parsed.filter((n): n is number => typeof n === 'number');
  } catch {}
  return {
    hookOffset: Number(row.hook_offset),
    resumeAt: row.resume_at,
    restartAt: row.restart_at,
    restarts,
  };
}

/** Every agent with a usage-limit resume or a backoff restart pending. */
export async function pendingWakeups(
  db: Db,
): Promise<{ agentId: string; resumeAt: string | null; restartAt: string | null }[]> {
  const rows = await db
    .selectFrom('agent_supervision')
    .select(['agent_id', 'resume_at', 'restart_at'])
    .where((eb) => eb.or([eb('resume_at', 'is not', null), eb('restart_at', 'is not', null)]))
    .execute();
  return rows.map((r) => ({ agentId: r.agent_id, resumeAt: r.resume_at, restartAt: r.restart_at }));
}

async function upsert(
  db: Db,
  agentId: string,
  patch: Partial<{
    hook_offset: number;
    resume_at: string | null;
    restart_at: string | null;
    restarts: string;
  }>,
): Promise<void> {
  const now = nowIso();
  await db
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
}

export function writeResumeAt(db: Db, agentId: string, resumeAt: string | null): Promise<void> {
  return upsert(db, agentId, { resume_at: resumeAt });
}

export function writeRestartAt(db: Db, agentId: string, restartAt: string | null): Promise<void> {
  return upsert(db, agentId, { restart_at: restartAt });
}

export function writeRestarts(db: Db, agentId: string, restarts: readonly number[]): Promise<void> {
  return upsert(db, agentId, { restarts: JSON.stringify(restarts) });
}

export function writeHookOffset(db: Db, agentId: string, offset: number): Promise<void> {
  return upsert(db, agentId, { hook_offset: offset });
}

/**
 * Records one hook line as an `agent.hook` event and moves the read offset past it, in one
 * transaction: after a crash either both happened or neither, so the line is read exactly once.
 */
export function commitHookEvent(
  store: Store,
  agent: Pick<Agent, 'id' | 'repoId' | 'taskId'>,
  data: Record<string, unknown>,
  newOffset: number,
): Promise<FlotillaEvent> {
  return store.transaction(async (tx) => {
    const event = await tx.events.append({
      type: 'agent.hook',
      actor: 'hook',
      repoId: agent.repoId,
      taskId: agent.taskId,
      agentId: agent.id,
      data,
    });
    await upsert(tx.db, agent.id, { hook_offset: newOffset });
    return event;
  });
}
