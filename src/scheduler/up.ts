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

export interface UpResult {
  started: Agent[];
  /** Ready tasks not started, and why (limit reached, or the start failed with this error). */
  skipped: { taskId: string; title: string; reason: string; code?: string }[];
  /** How many agents were live before and the limit applied. */
  running: number;
  limit: number;
}

/**
 * Starts agents for ready `todo` tasks (all dependencies done), highest priority first, until
 * `limit` agents are live. One failed start does not stop the others: it is reported.
 */
export async function up(deps: UpDeps, options: { limit: number; repoId?: string }): Promise<UpResult> {
  const live = (await deps.liveAgents()).filter((a) =>
    (LIVE_AGENT_STATUSES as readonly string[]).includes(a.status),
  );
  const busyTasks = new Set(live.map((a) => a.taskId));
  const ready = (await deps.readyTasks(options.repoId)).filter((t) => !busyTasks.has(t.id));
  const result: UpResult = { started: [], skipped: [], running: live.length, limit: options.limit };
  let slots = Math.max(0, options.limit - live.length);
  for (const task of ready) {
    if (slots === 0) {
      result.skipped.push({
        taskId: task.id,
        title: task.title,
        reason: `limit of ${options.limit} agents reached`,
      });
      continue;
    }
    try {
      result.started.push(await deps.start(task.id));
      slots--;
    } catch (err) {
      result.skipped.push({
        taskId: task.id,
        title: task.title,
        reason: err instanceof Error ? err.message : String(err),
        ...(isFlotillaError(err) ? { code: err.code } : {}),
      });
    }
  }
  return result;
}
