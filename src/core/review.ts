import type { Agent } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { ReviewSummary } from '../domain/review.js';
import type { Task } from '../domain/task.js';
import { LIVE_AGENT_STATUSES } from '../domain/values.js';
import type { Store } from '../store/index.js';
import { removeTaskWorktree } from './worktrees.js';

/**
 * Review: what a finished task brings (commits, diff, the agent's last words, the last landing's
 * verify output, cost), and the three ways out besides Land (core/landing.ts): send it back to
 * the same agent session with a message, or discard it (the branch is kept unless asked).
 */

export interface ReviewAgents {
  /** The message in the agent's own conversation: typed when it runs, resumed with it when it ended. */
  resumeWith(agentId: string, text: string, actor: Actor): Promise<void>;
  stop(agentId: string, actor: Actor): Promise<unknown>;
  lastOutput(agentId: string): string | null;
  usage(agentId: string): Promise<{ inputTokens: number; outputTokens: number; costUsd: number }>;
}

/**
 * The agent a task goes back to: its live agent, else its newest one whose worktree is still
 * there and whose conversation can be resumed (a headless run that finished). Null when none.
 */
export async function sendableAgent(store: Store, taskId: string): Promise<Agent | null> {
  const agents = await store.agents.list({ taskId });
  const live = agents.find((a) => LIVE_AGENT_STATUSES.includes(a.status));
  if (live) return live;
  const last = agents.at(-1);
  if (!last || last.sessionId === null || last.status === 'restarting') return null;
  const worktree = await store.worktrees.ofAgent(last.id);
  return worktree && worktree.removedAt === null ? last : null;
}

export class ReviewService {
  constructor(
    private readonly store: Store,
    private readonly agents: () => ReviewAgents,
  ) {}

  /** The tasks in review (or the one named), each with its summary. */
  async list(taskIdOrPrefix?: string): Promise<ReviewSummary[]> {
    const tasks = taskIdOrPrefix
      ? [await this.store.tasks.resolve(taskIdOrPrefix)]
      : await this.store.tasks.list({ status: ['review'] });
    return Promise.all(tasks.map((t) => this.summary(t)));
  }

  async summary(task: Task): Promise<ReviewSummary> {
    const repo = await this.store.repos.get(task.repoId);
    const worktree = await this.store.worktrees.lastOfTask(task.id);
    const agent = (await this.store.agents.list({ taskId: task.id, all: true })).at(-1) ?? null;
    const landing = (await this.store.landings.list({ taskId: task.id })).at(-1) ?? null;
    const out: ReviewSummary = {
      task,
      agentId: agent?.id ?? null,
      branch: worktree?.branch ?? null,
      baseRef: worktree?.baseRef || null,
      commits: [],
      ahead: 0,
      behind: 0,
      files: [],
      totals: { files: 0, insertions: 0, deletions: 0 },
      lastMessage: agent ? (agent.lastMessage ?? this.agents().lastOutput(agent.id)) : null,
      landing,
      usage: null,
    };
    if (agent) {
      const usage = await this.agents()
        .usage(agent.id)
        .catch(() => null);
      if (usage) {
        const { inputTokens, outputTokens, costUsd } = usage;
        out.usage = { inputTokens, outputTokens, costUsd };
      }
    }
    if (!repo || !worktree?.baseRef) return out;
    const git = await import('../git/index.js');
    if (!(await git.branchExists(repo.path, worktree.branch))) return out;
    const s = await git.branchSummary(repo.path, worktree.baseRef, worktree.branch);
    return {
      ...out,
      commits: s.commits.map(({ sha, subject, author, date }) => ({ sha, subject, author, date })),
      ahead: s.ahead,
      behind: s.behind,
      files: s.files.map(({ path, oldPath, insertions, deletions, binary }) => ({
        path,
        ...(oldPath ? { oldPath } : {}),
        insertions,
        deletions,
        binary,
      })),
      totals: s.totals,
    };
  }

  /** Sends the task back to its agent with `message`; the same session goes on, the task is in progress again. */
  async sendBack(taskIdOrPrefix: string, message: string, actor: Actor): Promise<Task> {
    const task = await this.store.tasks.resolve(taskIdOrPrefix);
    if (task.status === 'done' || task.status === 'cancelled') {
      const landed = (await this.store.landings.list({ taskId: task.id, states: ['landed'] })).at(-1);
      throw new FlotillaError(
        'CONFLICT',
        landed?.commit
          ? `task ${task.id} already landed on ${landed.baseRef} at ${landed.commit.slice(0, 10)}: there is nothing to send back`
          : `task ${task.id} is ${task.status}: there is nothing to send back`,
        { hint: `for more work on it, add a follow-up task: flotilla task add "…" --depends-on ${task.id}` },
      );
    }
    const agent = await sendableAgent(this.store, task.id);
    if (!agent) {
      throw new FlotillaError('CONFLICT', `task ${task.id} has no agent (or worktree) to send it back to`, {
        hint: `start one on its branch, keeping its commits: flotilla start ${task.id} --reuse-branch`,
      });
    }
    await this.agents().resumeWith(agent.id, message, actor);
    return task.status === 'in_progress' ? task : this.store.tasks.move(task.id, 'in_progress', actor);
  }

  /**
   * Discards the task: its agent stops, its worktree goes (uncommitted changes too: that is what
   * discarding means), and it is cancelled. Its branch is kept, with its commits, unless asked.
   */
  async discard(taskIdOrPrefix: string, options: { deleteBranch?: boolean }, actor: Actor): Promise<Task> {
    const task = await this.store.tasks.resolve(taskIdOrPrefix);
    for (const agent of await this.store.agents.list({ taskId: task.id })) {
      if (LIVE_AGENT_STATUSES.includes(agent.status)) await this.agents().stop(agent.id, actor);
    }
    const worktree = await this.store.worktrees.byTask(task.id);
    const repo = await this.store.repos.get(task.repoId);
    if (worktree && repo) {
      await removeTaskWorktree(
        this.store,
        worktree,
        repo,
        { force: true, deleteBranch: options.deleteBranch ?? false },
        actor,
      );
    }
    return this.store.tasks.move(task.id, 'cancelled', actor);
  }
}
