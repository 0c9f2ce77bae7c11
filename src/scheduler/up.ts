import type { Agent } from '../domain/agent.js';
import { isFlotillaError } from '../domain/errors.js';
import type { Task } from '../domain/task.js';
import { LIVE_AGENT_STATUSES } from '../domain/values.js';

/** What `up` needs: the ready tasks in order, the live agents, and a way to start one. */
export interface UpDeps {
  readyTasks(repoId?: string): Promise<Task[]>;
  liveAgents(): Promise<Agent[]>;
  start(taskId: string): Promise<Agent>;
}

/** Why a ready task was not started. */
export interface Skipped {
  taskId: string;
  title: string;
  reason: string;
  code?: string;
}

export interface UpResult {
  started: Agent[];
  /** Ready tasks not started, and why (limit reached, or the start failed with this error). */
  skipped: Skipped[];
  /** How many agents were live before, and the limit applied. */
  running: number;
  limit: number;
}

type Outcome = Agent | Omit<Skipped, 'taskId' | 'title'>;
const isFailure = (o: Outcome): o is Omit<Skipped, 'taskId' | 'title'> => 'reason' in o;

/**
 * Starts agents for ready `todo` tasks (all dependencies done), highest priority first, until
 * `limit` agents are live. Starts overlap — each spends most of its time waiting on git, tmux and
 * the agent's first breath — and a failed start frees its slot for the next ready task.
 * Results are reported in priority order whatever order the starts finished in.
 */
export async function up(
  deps: UpDeps,
  options: { limit: number; repoId?: string; concurrency?: number },
): Promise<UpResult> {
  const live = (await deps.liveAgents()).filter((a) =>
    (LIVE_AGENT_STATUSES as readonly string[]).includes(a.status),
  );
  const busyTasks = new Set(live.map((a) => a.taskId));
  const ready = (await deps.readyTasks(options.repoId)).filter((t) => !busyTasks.has(t.id));
  const slots = Math.max(0, options.limit - live.length);
  const outcomes = new Map<string, Outcome>();
  let next = 0;
  let started = 0;
  let inFlight = 0;

  const worker = async (): Promise<void> => {
    while (next < ready.length && started + inFlight < slots) {
      const task = ready[next++] as Task;
      inFlight++;
      try {
        outcomes.set(task.id, await deps.start(task.id));
        started++;
      } catch (err) {
        outcomes.set(task.id, {
          reason: err instanceof Error ? err.message : String(err),
          ...(isFlotillaError(err) ? { code: err.code } : {}),
        });
      } finally {
        inFlight--;
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, slots));
  await Promise.all(Array.from({ length: workers }, worker));

  const result: UpResult = { started: [], skipped: [], running: live.length, limit: options.limit };
  for (const task of ready) {
    const o = outcomes.get(task.id);
    if (o === undefined) {
      result.skipped.push({
        taskId: task.id,
        title: task.title,
        reason: `limit of ${options.limit} agents reached`,
      });
    } else if (isFailure(o)) {
      result.skipped.push({ taskId: task.id, title: task.title, ...o });
    } else {
      result.started.push(o);
    }
  }
  return result;
}
