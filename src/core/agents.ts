import type { AgentMode } from '../domain/agent.js';
import type { AgentView } from '../domain/agent-view.js';
import type { ConversationPage } from '../domain/conversation.js';
import type { Actor } from '../domain/event.js';
import type { PermissionAsk, PermissionReply } from '../domain/permission.js';
import type { EventBus } from '../events/bus.js';
import type { UpResult } from '../scheduler/up.js';
import type { Store } from '../store/index.js';
import { type BulkFailure, type BulkOps, removeFinished, stopAll } from '../supervisor/bulk.js';
import { isLive, type RemoveOutcome, type Supervisor } from '../supervisor/index.js';
import { AgentViews } from './agent-view.js';
import type { RepoService } from './repos.js';
import type { Supervision } from './supervision.js';
import { removeTaskWorktree, worktreeHeld } from './worktrees.js';

/** How to start an agent on a task. */
export interface AgentStartOptions {
  /** The agent config entry to run (default: the repo's `agent`). */
  agent?: string | undefined;
  mode?: AgentMode | undefined;
  /** Start even if the task's dependencies are not done or limits.max_concurrent agents run. */
  force?: boolean | undefined;
  /** Start from the task's kept branch (its earlier worktree was removed), keeping its commits. */
  reuseBranch?: boolean | undefined;
}

/**
 * Where the agent service finds the supervisor and the one admission gate: a plain holder, set
 * once they exist (the daemon mounts its routes before it starts the supervisor).
 */
export interface SupervisionSlot {
  supervision: Supervision | undefined;
}

/** What the agent service needs. */
export interface AgentServiceDeps {
  store: Store;
  slot: SupervisionSlot;
  repos: RepoService;
  /** The config (read as it is now): the tmux socket named in attach commands. */
  config: { readonly tmux: { readonly socket: string } };
  /** The Flotilla's one bus: the list cache is told of each change on it. */
  bus: EventBus;
}

/**
 * Agents: start (through admission), up, list and view, stop, restart, answer a dialog, send,
 * remove (one or all finished), logs and conversation, and the two calls an agent makes itself
 * (hook pokes, permission asks). Answers are views: the row plus the supervisor's live figures.
 *
 * Actors: every write is recorded as the caller's `actor` (the API's request actor, a library's
 * own): start and up through admission, the controls and removal through the supervisor.
 */
export class AgentService {
  readonly views: AgentViews;

  constructor(private readonly deps: AgentServiceDeps) {
    this.views = new AgentViews(
      deps.store,
      () => this.sup,
      () => deps.config.tmux.socket,
      deps.bus,
    );
  }

  private get supervision(): Supervision {
    const { supervision } = this.deps.slot;
    if (!supervision) throw new Error('agent service: used before the supervisor was started');
    return supervision;
  }

  private get sup(): Supervisor {
    return this.supervision.supervisor;
  }

  list(options: { all?: boolean } = {}): Promise<AgentView[]> {
    return this.views.list(options.all ?? false);
  }

  async get(idOrPrefix: string): Promise<AgentView> {
    return this.views.one(await this.sup.get(idOrPrefix));
  }

  /** Starts an agent on a task, in its own worktree and tmux session, through admission. */
  async start(taskIdOrPrefix: string, options: AgentStartOptions, actor: Actor): Promise<AgentView> {
    const agent = await this.supervision.admission.start(taskIdOrPrefix, {
      ...(options.agent ? { agent: options.agent } : {}),
      ...(options.mode ? { mode: options.mode } : {}),
      force: options.force ?? false,
      ...(options.reuseBranch ? { reuseBranch: true } : {}),
      actor,
    });
    return this.views.one(agent);
  }

  /** Starts agents on ready tasks in priority order within the limit, as `actor`. */
  async up(options: { max?: number | undefined; repo?: string | undefined }, actor: Actor) {
    const repoId = options.repo === undefined ? undefined : (await this.deps.repos.resolve(options.repo)).id;
    const result: UpResult = await this.supervision.admission.up({
      ...(options.max ? { limit: options.max } : {}),
      ...(repoId ? { repoId } : {}),
      actor,
    });
    return { ...result, started: await this.views.of(result.started) };
  }

  async stop(idOrPrefix: string, actor: Actor): Promise<AgentView> {
    return this.views.one(await this.sup.stop(idOrPrefix, actor));
  }

  async restart(idOrPrefix: string, actor: Actor): Promise<AgentView> {
    return this.views.one(await this.sup.restart(idOrPrefix, actor));
  }

  /** Approves the open permission dialog (once, or always for this command); the view and the option confirmed. */
  async approve(idOrPrefix: string, options: { always?: boolean }, actor: Actor) {
    const answered = await this.sup.approve(idOrPrefix, options.always ? { always: true } : {}, actor);
    return { ...(await this.get(idOrPrefix)), answered };
  }

  /** Denies the open permission dialog, optionally telling the model what to do instead. */
  async deny(idOrPrefix: string, options: { message?: string | undefined }, actor: Actor) {
    const answered = await this.sup.deny(
      idOrPrefix,
      options.message === undefined ? {} : { message: options.message },
      actor,
    );
    return { ...(await this.get(idOrPrefix)), answered };
  }

  send(idOrPrefix: string, text: string, actor: Actor): Promise<void> {
    return this.sup.send(idOrPrefix, text, actor);
  }

  /**
   * Answers the question the agent asked (its `ask_user` tool: the text is the tool's result),
   * or, with none open, gives a waiting agent the text as a message. The view, and which it was.
   */
  async answer(idOrPrefix: string, text: string, actor: Actor) {
    const { answered } = await this.sup.answerQuestion(idOrPrefix, text, actor);
    return { ...(await this.get(idOrPrefix)), answered };
  }

  /**
   * Removes an agent (its branch is kept). With `removeWorktree`, its worktree goes too through
   * the one removal of core/worktrees.ts: checked first (a refusal changes nothing), removed once
   * the agent's session is gone, while no other agent can start in it, recorded with `actor`.
   */
  async remove(
    idOrPrefix: string,
    options: { force?: boolean; removeWorktree?: boolean },
    actor: Actor,
  ): Promise<RemoveOutcome> {
    const force = options.force ?? false;
    if (!options.removeWorktree) return this.sup.remove(idOrPrefix, { force }, actor);
    const agent = await this.sup.get(idOrPrefix);
    // A live agent without force: the supervisor's own refusal, before anything is checked.
    if (!force && (isLive(agent.status) || agent.status === 'restarting'))
      return this.sup.remove(agent.id, { force }, actor);
    const store = this.deps.store;
    const worktree = (await store.worktrees.list()).find((w) => w.path === agent.worktreePath);
    const repo = worktree ? await store.repos.require(agent.repoId) : undefined;
    const removal = { force, deleteBranch: false };
    if (worktree && repo)
      await removeTaskWorktree(store, worktree, repo, { ...removal, dryRun: true }, actor);
    const outcome = await this.sup.remove(agent.id, { force }, actor);
    if (!worktree || !repo) return outcome;
    const removed = await this.sup.whenWorktreeFree(worktree, () =>
      removeTaskWorktree(store, worktree, repo, removal, actor),
    );
    // Another agent started on the task between the agent's removal and this: its work stays.
    if ('heldBy' in removed) throw worktreeHeld(worktree.path, removed.heldBy);
    return { ...outcome, worktree: removed.done };
  }

  /** Stops every agent that is not finished (of one repo, by name or id). */
  async stopAll(options: { repo?: string | undefined }, actor: Actor) {
    const repoId = await this.repoIdOf(options.repo);
    return stopAll(this.bulkOps(), actor, repoId === undefined ? {} : { repoId });
  }

  /** Removes every finished agent (of one repo); worktrees only when asked and only when clean. */
  async removeFinished(
    options: { repo?: string | undefined; worktree?: boolean | undefined },
    actor: Actor,
  ): Promise<{ removed: RemoveOutcome[]; failed: BulkFailure[] }> {
    const repoId = await this.repoIdOf(options.repo);
    return removeFinished(this.bulkOps(), actor, {
      ...(repoId === undefined ? {} : { repoId }),
      removeWorktree: options.worktree ?? false,
    });
  }

  logs(idOrPrefix: string, options: { lines: number; raw: boolean }): Promise<string> {
    return this.sup.logs(idOrPrefix, options);
  }

  conversation(idOrPrefix: string, query: { after?: number; limit: number }): Promise<ConversationPage> {
    return this.sup.conversation(idOrPrefix, query);
  }

  /** The agent's hook appended to its events file: read it now. */
  hookPoke(agentId: string): Promise<number> {
    return this.sup.hookPoke(agentId);
  }

  /** A headless agent asks to run a tool (its `flotilla mcp` prompt tool). */
  askPermission(agentId: string, ask: PermissionAsk, waitMs: number): Promise<PermissionReply> {
    return this.sup.askPermission(agentId, ask, waitMs);
  }

  private async repoIdOf(repo: string | undefined): Promise<string | undefined> {
    return repo === undefined ? undefined : (await this.deps.repos.resolve(repo)).id;
  }

  private bulkOps(): BulkOps {
    const sup = this.sup;
    return {
      list: () => sup.list(),
      stop: (id, actor) => sup.stop(id, actor),
      remove: (id, o, actor) => this.remove(id, o, actor),
    };
  }
}
