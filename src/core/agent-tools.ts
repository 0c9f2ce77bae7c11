import type { Agent } from '../domain/agent.js';
import {
  type AgentProgress,
  type AgentTask,
  type AgentTaskCreate,
  AgentTaskCreateSchema,
  progressLine,
  type QuestionAsk,
  type QuestionReply,
  REVIEW_SUMMARY_MAX_CHARS,
} from '../domain/agent-tools.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { Task, TaskStatus } from '../domain/task.js';
import { cleanText } from '../domain/text.js';
import type { Store } from '../store/index.js';
import type { Supervisor } from '../supervisor/index.js';
import type { SupervisionSlot } from './agents.js';
import type { TaskService } from './tasks.js';

/**
 * What an agent may do for itself through its MCP tools (`flotilla mcp`, ADR 0022): list its
 * repo's tasks, file a follow-up in its repo, report progress, ask its user, and hand its task
 * over for review. Each call names the agent it acts for (the route's `:id`, which the API guard
 * has already matched to the agent's own token) and records `actor` (`agent:<id>` then). The
 * scope is the agent's: its own task, and tasks of its own repo only.
 */

export interface AgentToolDeps {
  store: Store;
  tasks: TaskService;
  /** The supervisor, once the daemon has started it (ask_user waits in it). */
  slot: SupervisionSlot;
}

const asAgentTask = (t: Task): AgentTask => ({
  id: t.id,
  title: t.title,
  status: t.status,
  priority: t.priority,
  dependsOn: t.dependsOn,
});

export class AgentToolService {
  constructor(private readonly deps: AgentToolDeps) {}

  /** The tasks of the agent's repo (optionally of some statuses), oldest first. */
  async listTasks(agentId: string, filter: { status?: TaskStatus[] }): Promise<AgentTask[]> {
    const agent = await this.agent(agentId);
    const { tasks } = await this.deps.tasks.list({
      repoId: agent.repoId,
      ...(filter.status && filter.status.length > 0 ? { status: filter.status } : {}),
      limit: 10_000,
    });
    return tasks.map(asAgentTask);
  }

  /**
   * Files a follow-up task in the agent's repo. Its dependencies must be tasks of that repo (its
   * own task among them, typically): a task of another repo is FORBIDDEN and nothing is created.
   */
  async createTask(agentId: string, input: AgentTaskCreate, actor: Actor): Promise<AgentTask> {
    const agent = await this.agent(agentId);
    const body = AgentTaskCreateSchema.parse(input);
    const dependsOn: string[] = [];
    for (const ref of body.dependsOn) {
      const dep = await this.deps.tasks.get(ref);
      if (dep.repoId !== agent.repoId) {
        throw new FlotillaError(
          'FORBIDDEN',
          `task ${dep.id} belongs to another repo: agent ${agent.id} may only make its follow-ups depend on tasks of its own repo`,
          { hint: 'list the tasks it may depend on with the list_tasks tool (GET /agents/<id>/tasks)' },
        );
      }
      dependsOn.push(dep.id);
    }
    const task = await this.deps.tasks.add(
      agent.repoId,
      {
        title: body.title,
        ...(body.prompt === undefined ? {} : { prompt: body.prompt }),
        priority: body.priority,
        status: body.status,
        labels: body.labels,
        dependsOn,
      },
      actor,
    );
    return asAgentTask(task);
  }

  /** One progress line (cleaned, one line, clipped): an `agent.progress` event; the card shows it. */
  async reportProgress(agentId: string, text: string, actor: Actor): Promise<AgentProgress> {
    const agent = await this.agent(agentId);
    const line = progressLine(text);
    if (line === '') {
      throw new FlotillaError(
        'INVALID_INPUT',
        'the progress text is empty once control characters are removed',
        {
          hint: 'say in a few words what the agent is doing',
        },
      );
    }
    const event = await this.deps.store.events.append({
      type: 'agent.progress',
      actor,
      repoId: agent.repoId,
      taskId: agent.taskId,
      agentId: agent.id,
      data: { text: line },
    });
    return { text: line, at: event.ts };
  }

  /** The agent asks its user and waits up to `waitMs` for the answer (see supervisor/questions.ts). */
  async askUser(agentId: string, ask: QuestionAsk, waitMs: number, actor: Actor): Promise<QuestionReply> {
    return this.supervisor().askUser(agentId, ask, waitMs, actor);
  }

  /** The asking tool call was cancelled: its question is dropped unanswered. */
  withdrawQuestion(agentId: string, askId: string, actor: Actor): Promise<boolean> {
    return this.supervisor().withdrawQuestion(agentId, askId, actor);
  }

  /**
   * The agent's own task goes to `review` (as `actor`; the transition table says an agent may
   * move its task from in_progress to review only), with its summary in the `task.moved` event.
   */
  async readyForReview(agentId: string, summary: string | undefined, actor: Actor): Promise<AgentTask> {
    const agent = await this.agent(agentId);
    const message =
      summary === undefined ? undefined : cleanText(summary).trim().slice(0, REVIEW_SUMMARY_MAX_CHARS);
    const task = await this.deps.tasks.move(agent.taskId, 'review', actor, message || undefined);
    return asAgentTask(task);
  }

  private supervisor(): Supervisor {
    const supervision = this.deps.slot.supervision;
    if (!supervision) throw new Error('agent tools: used before the supervisor was started');
    return supervision.supervisor;
  }

  private async agent(agentId: string): Promise<Agent> {
    const agent = await this.deps.store.agents.resolve(agentId);
    if (agent.removedAt) {
      throw new FlotillaError('NOT_FOUND', `agent '${agentId}' not found`, {
        hint: 'list agents with: flotilla ps',
      });
    }
    return agent;
  }
}
