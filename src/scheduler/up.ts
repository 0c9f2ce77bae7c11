import type { Agent } from '../domain/agent.js';
import { isFlotillaError } from '../domain/errors.js';
import type { MemoryHeadroom } from '../domain/scheduler.js';
import type { Task } from '../domain/task.js';
import { type Blocker, describeBlockers, holdsSlot } from './slots.js';

/** What `up` needs: the todo tasks, ready or blocked, the agents, and a way to start one. */
export interface UpDeps {
  /** `todo` tasks whose dependencies are all done, in the order to take them. */
  readyTasks(repoId?: string): Promise<Task[]>;
  /** The other `todo` tasks, each with its unfinished dependencies. */
  blockedTasks(repoId?: string): Promise<{ task: Task; blockers: Blocker[] }[]>;
  agents(): Promise<Agent[]>;
  /** A start through admission, with `limit` as the limit: refused with LIMIT_REACHED beyond it. */
  start(taskId: string, limit: number): Promise<Agent>;
}

/** Why a todo task was not started; `code` is stable for scripts. */
export interface Skipped {
  taskId: string;
  title: string;
  reason: string;
  /** BLOCKED, LIMIT_REACHED, ALREADY_RUNNING, or the code of the error its start failed with. */
  code?: string;
  /** For BLOCKED: the dependencies that are not done. */
  blockedBy?: Blocker[];
}

export interface UpResult {
  started: Agent[];
  /** Todo tasks not started, and why: blocked, limit reached, already running, or the start failed. */
  skipped: Skipped[];
  /** How many agents were live before, and the limit applied. */
  running: number;
  limit: number;
  /** The machine's memory headroom when `up` ran (admission.ts). */
  memory?: MemoryHeadroom;
}

type Failure = Pick<Skipped, 'reason' | 'code'>;
type Outcome = Agent | Failure;
const isFailure = (o: Outcome): o is Failure => 'reason' in o;

/**
 * Starts agents for ready `todo` tasks (all dependencies done), highest priority first, until
 * `limit` agents are live. Starts overlap — each spends most of its time waiting on git, tmux and
 * the agent's first breath — and a failed start frees its slot for the next ready task. The
 * limit is enforced by admission, one start at a time, so two `up` at once still stay within it;
 * the count here only saves starts that admission would refuse. Results are reported in
 * priority order whatever order the starts finished in.
 */
export async function up(
  deps: UpDeps,
  options: { limit: number; repoId?: string; concurrency?: number },
): Promise<UpResult> {
  const live = (await deps.agents()).filter(holdsSlot);
  const liveByTask = new Map(live.map((a) => [a.taskId, a]));
  const todo = await deps.readyTasks(options.repoId);
  const ready = todo.filter((t) => !liveByTask.has(t.id));
  const slots = Math.max(0, options.limit - live.length);
  const limitReached: Failure = {
    reason: `limit of ${options.limit} agents reached`,
    code: 'LIMIT_REACHED',
  };
  const outcomes = new Map<string, Outcome>();
  let next = 0;
  let started = 0;
  let inFlight = 0;

  const worker = async (): Promise<void> => {
    while (next < ready.length && started + inFlight < slots) {
      const task = ready[next++] as Task;
      inFlight++;
      try {
        outcomes.set(task.id, await deps.start(task.id, options.limit));
        started++;
      } catch (err) {
        const code = isFlotillaError(err) ? err.code : undefined;
        outcomes.set(
          task.id,
          code === 'LIMIT_REACHED'
            ? limitReached
            : { reason: err instanceof Error ? err.message : String(err), ...(code ? { code } : {}) },
        );
      } finally {
        inFlight--;
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, slots));
  await Promise.all(Array.from({ length: workers }, worker));

  const result: UpResult = { started: [], skipped: [], running: live.length, limit: options.limit };
  for (const task of ready) {
    const o = outcomes.get(task.id) ?? limitReached;
    if (isFailure(o)) result.skipped.push({ taskId: task.id, title: task.title, ...o });
    else result.started.push(o);
  }
  for (const task of todo) {
    const agent = liveByTask.get(task.id);
    if (!agent) continue;
    result.skipped.push({
      taskId: task.id,
      title: task.title,
      reason: `already running: agent ${agent.id} (${agent.status})`,
      code: 'ALREADY_RUNNING',
    });
  }
  for (const { task, blockers } of await deps.blockedTasks(options.repoId)) {
    result.skipped.push({
      taskId: task.id,
      title: task.title,
      reason: `blocked by ${describeBlockers(blockers)}`,
      code: 'BLOCKED',
      blockedBy: blockers,
    });
  }
  return result;
}
