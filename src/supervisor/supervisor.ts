import { agentFile } from '../agents/agent-dir.js';
import type { HookLine } from '../agents/hook-cli.js';
import { checkMessageText } from '../agents/message-text.js';
import { promptForTask } from '../agents/prompt.js';
import { adapterFor as defaultAdapterFor } from '../agents/registry.js';
import type { DialogAnswer } from '../agents/screen-plan.js';
import type { ActionHints, AdapterKind, StatusSignal } from '../agents/types.js';
import type { Config } from '../config/schema.js';
import type { Agent } from '../domain/agent.js';
import type { Question, QuestionAsk, QuestionReply } from '../domain/agent-tools.js';
import type { ConversationPage } from '../domain/conversation.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { PermissionAsk, PermissionReply, PermissionRequest } from '../domain/permission.js';
import { cleanText } from '../domain/text.js';
import type { Worktree } from '../domain/worktree.js';
import { KeyedMutex } from '../proc/keyed-mutex.js';
import {
  adapterOf,
  defaultHookArgv,
  type SupervisorContext,
  type SupervisorOptions,
  silentLogger,
  streams,
} from './context.js';
import { type ConversationQuery, ConversationService } from './conversation.js';
import { HealthMonitor, type TickStats } from './health.js';
import { type AgentRef, type HookCommit, HookIngestor } from './hook-events.js';
import { type StartLocks, type StartOptions, startAgent } from './launch.js';
import { Lifecycle } from './lifecycle.js';
import { readTail, tailFile } from './logs.js';
import { AgentMachines, isLive } from './machine.js';
import { type EntryWithRules, PermissionBroker } from './permissions.js';
import type { ResourceSample } from './procfs.js';
import { QuestionBroker } from './questions.js';
import { type ReconcileReport, reconcile } from './reconcile.js';
import { type RemoveOptions, type RemoveOutcome, removeAgent } from './remove.js';
import { renderTerminal } from './render.js';
import { RepoConfigs } from './repo-config.js';
import { RuntimeTable } from './runtime.js';
import { runScreenPlan, type ScreenIo } from './screen-protocol.js';
import { observeStream } from './stream-watch.js';
import type { UsageTotals } from './usage.js';
import { type WhenFree, WorktreeGuard } from './worktree-guard.js';

export type { StartOptions } from './launch.js';
export type { RemoveOptions, RemoveOutcome } from './remove.js';
export type { WhenFree, WorktreeHolder } from './worktree-guard.js';

/** Recent resource samples of an agent (newest last); empty until its first sample. */
export interface AgentResources {
  latest: ResourceSample | null;
  samples: ResourceSample[];
}

/**
 * The supervisor: the daemon's one entry point to agents. It starts them all or nothing, keeps
 * one serialized state machine per agent, watches them (tmux liveness, hooks, pane, /proc),
 * restarts them by policy, and reconciles with tmux and git at boot. `close()` stops watching
 * and never touches an agent: agents live in tmux and outlive the daemon.
 */
/** Bytes of a pane log played through the emulator for `logs --raw` (its end). */
const RAW_RENDER_BYTES = 8 * 1024 * 1024;

export class Supervisor {
  private readonly ctx: SupervisorContext;
  /** Agents' conversations (transcripts, stream lines), read incrementally. */
  private readonly conversations: ConversationService;
  private readonly lifecycle: Lifecycle;
  private readonly health: HealthMonitor;
  private readonly locks: StartLocks = { ports: new Set(), tasks: new Set(), clearing: new Set() };
  private readonly worktreeGuard: WorktreeGuard;
  /** One screen action at a time per agent: two protocols' keys must never interleave. */
  private readonly screenLocks = new KeyedMutex();
  /** Headless agents' permission requests (the `flotilla mcp` prompt tool). */
  private readonly permissions: PermissionBroker;
  /** Questions agents ask their user (the `ask_user` MCP tool). */
  private readonly questions: QuestionBroker;
  private booted = false;

  constructor(options: SupervisorOptions) {
    const now = options.now ?? Date.now;
    const logger = options.logger ?? silentLogger;
    const machines = new AgentMachines(options.store, (agentId, from, to, source) =>
      logger.debug({ agentId, from, to, source }, 'ignored a status signal that came too late'),
    );
    const runtime = new RuntimeTable(now);
    const ingestor = new HookIngestor({
      store: options.store,
      home: options.paths.home,
      onHook: (agent, line, commit) => this.onHook(agent, line, commit),
      logger,
    });
    this.ctx = {
      store: options.store,
      config: options.config,
      repoConfigs: new RepoConfigs(options.config, options.configForRepo ?? null),
      paths: options.paths,
      tmux: options.tmux,
      bus: options.bus,
      logger,
      now,
      adapterFor: options.adapterFor ?? defaultAdapterFor,
      buildPrompt: options.buildPrompt ?? promptForTask,
      hookArgv: options.hookArgv ?? defaultHookArgv(),
      daemonUrl: options.daemonUrl ?? null,
      env: options.env ?? process.env,
      machines,
      runtime,
      ingestor,
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      stopGraceMs: options.stopGraceMs ?? 3_000,
    };
    this.conversations = new ConversationService(this.ctx);
    this.lifecycle = new Lifecycle(this.ctx);
    this.health = new HealthMonitor(
      this.ctx,
      this.lifecycle,
      {
        // A limit's action is the supervisor's own, not a user's.
        stop: (id, reason) => this.lifecycle.stop(id, 'supervisor', reason),
        restart: (id, reason) => this.lifecycle.userRestart(id, 'supervisor', reason),
        refreshConversation: (agent) => this.conversations.refreshStream(agent),
      },
      options.tickMs ?? 1_000,
      options.resourceEveryMs ?? 5_000,
    );
    this.permissions = new PermissionBroker({
      ctx: this.ctx,
      applySignal: (id, signal) => this.lifecycle.applySignal(id, signal),
    });
    this.questions = new QuestionBroker({
      ctx: this.ctx,
      applySignal: (id, signal, actor) => this.lifecycle.applySignal(id, signal, undefined, actor),
    });
    this.worktreeGuard = new WorktreeGuard(this.ctx, this.locks);
  }

  /** Reconciles with tmux and git, then starts watching. Call once, at daemon start. */
  async boot(): Promise<ReconcileReport> {
    if (this.booted) throw new FlotillaError('CONFLICT', 'the supervisor is already running');
    this.booted = true;
    for (const repo of await this.ctx.store.repos.list()) this.ctx.repoConfigs.remember(repo);
    const report = await reconcile(this.ctx, this.lifecycle);
    this.health.start();
    return report;
  }

  /** Stops watching. Agents keep running in tmux; a new Supervisor adopts them. */
  async close(): Promise<void> {
    await this.health.stop();
    this.permissions.close();
    this.questions.close();
    this.ctx.ingestor.close();
    this.ctx.runtime.clearAllTimers();
  }

  /** Starts an agent on a task (id or unique prefix), all or nothing. */
  start(taskIdOrPrefix: string, options: StartOptions = {}): Promise<Agent> {
    return startAgent(this.ctx, this.locks, taskIdOrPrefix, options);
  }

  /*
   * The controls below (stop, restart, remove, send, approve, deny) record every event they
   * append as `actor`, the caller's (the API's request actor, a library's own); the status
   * `source` of what they cause stays `user`: an explicit control, not something observed.
   */

  /** SIGINT → SIGTERM → SIGKILL to the agent's process group; status `stopped`; worktree and branch kept. */
  async stop(agentIdOrPrefix: string, actor: Actor, reason?: string): Promise<Agent> {
    const agent = await this.resolve(agentIdOrPrefix);
    return this.lifecycle.stop(agent.id, actor, reason);
  }

  /** Stops the agent if it runs, then relaunches it resuming the same conversation. */
  async restart(agentIdOrPrefix: string, actor: Actor): Promise<Agent> {
    const agent = await this.resolve(agentIdOrPrefix);
    return this.lifecycle.userRestart(agent.id, actor);
  }

  /**
   * Gives an agent a message in its own conversation, whether it runs or not: a live one gets it
   * as text (`send`); one that ended (a headless run that finished) is relaunched resuming its
   * session with the message as its next prompt. What review's "send back" and a failed landing do.
   */
  async resumeWith(agentIdOrPrefix: string, text: string, actor: Actor): Promise<void> {
    const agent = await this.resolve(agentIdOrPrefix);
    if (isLive(agent.status)) return this.send(agent.id, text, actor);
    const message = checkMessageText(text, { label: 'message', multiline: true, attachHint: '' });
    await this.lifecycle.userRestart(agent.id, actor, 'sent back with a message', message);
  }

  /**
   * Removes an agent: its session is killed and its row hidden (kept for history). Its branch
   * and worktree are kept (core/agents.ts removes the worktree too when asked).
   */
  async remove(agentIdOrPrefix: string, options: RemoveOptions, actor: Actor): Promise<RemoveOutcome> {
    return removeAgent(this.ctx, this.lifecycle, await this.resolve(agentIdOrPrefix), options, actor);
  }

  /**
   * Runs `work` (removing a task's worktree) only if no agent holds the worktree, and so that
   * none can start or restart in it until the work is done (worktree-guard.ts); otherwise says
   * who holds it.
   */
  whenWorktreeFree<T>(
    worktree: Pick<Worktree, 'taskId' | 'path'>,
    work: () => Promise<T>,
  ): Promise<WhenFree<T>> {
    return this.worktreeGuard.whenFree(worktree, work);
  }

  /**
   * Delivers a message as text, never as keys (control characters are refused; a multi-line
   * message is one bracketed paste), and, where the adapter can read its screen, verifies the
   * agent took it. Refused while a dialog is open: the Enter would have answered it.
   */
  async send(agentIdOrPrefix: string, text: string, actor: Actor): Promise<void> {
    const agent = await this.requireLive(agentIdOrPrefix, 'send text to');
    const hints = actionHints(agent.id);
    const message = checkMessageText(text, {
      label: 'message',
      multiline: true,
      attachHint: `to press keys in the agent's terminal, attach: ${hints.attach}`,
    });
    const adapter = adapterOf(this.ctx, agent);
    const began = this.ctx.now();
    await this.screenLocks.run(agent.id, async () => {
      const io = this.screenIo(agent);
      if (adapter.sendPlan) {
        const plan = adapter.sendPlan(await io.capture(), message, hints);
        await runScreenPlan(io, plan, { attachHint: hints.attach });
      } else {
        // No screen model for this agent: typed and submitted, with nothing to verify.
        await io.text(message);
        await io.key('Enter');
      }
    });
    this.ctx.runtime.get(agent.id).health.touch(this.ctx.now());
    // The prompt is in: working now, not when the UserPromptSubmit hook lands up to 2 s later.
    await this.applyUserSignal(
      agent,
      { status: 'working', source: 'user', detail: 'message sent' },
      actor,
      began,
    );
  }

  /** Answers the permission dialog on screen: yes, once (or for this command from now on). */
  approve(agentIdOrPrefix: string, options: { always?: boolean }, actor: Actor): Promise<string> {
    return this.answer(
      agentIdOrPrefix,
      { decision: 'approve', ...(options.always ? { always: true } : {}) },
      actor,
    );
  }

  /** Answers the permission dialog on screen: no, optionally telling the model what to do instead. */
  deny(agentIdOrPrefix: string, options: { message?: string }, actor: Actor): Promise<string> {
    return this.answer(
      agentIdOrPrefix,
      { decision: 'deny', ...(options.message === undefined ? {} : { message: options.message }) },
      actor,
    );
  }

  /**
   * The last `lines` lines the agent's pane printed. `raw`: its whole recent pane log played
   * through a terminal emulator of the pane's size (render.ts), so TUI redraws and spinner frames
   * resolve into the lines that were on screen.
   */
  async logs(agentIdOrPrefix: string, options: { lines?: number; raw?: boolean } = {}): Promise<string> {
    const agent = await this.resolve(agentIdOrPrefix);
    if (options.raw) {
      const size = await this.ctx.tmux.paneSize(agent.tmuxSession).catch(() => null);
      const log = agentFile(this.ctx.paths.agentsDir, agent.id, 'paneLog');
      const bytes = readTail(log, RAW_RENDER_BYTES);
      const rendered = await renderTerminal(bytes, size ?? { cols: 200, rows: 50 });
      return rendered.slice(-(options.lines ?? 200)).join('\n');
    }
    // While the session exists, tmux's own rendering of the pane (history + screen) is the
    // truest text: a TUI's cursor moves and redraws are already resolved there.
    if (!options.raw) {
      const rendered = await this.ctx.tmux
        .capturePane(agent.tmuxSession, { lines: options.lines ?? 200 })
        .catch(() => null);
      if (rendered !== null) return rendered;
    }
    return tailFile(
      agentFile(this.ctx.paths.agentsDir, agent.id, 'paneLog'),
      options.lines ?? 200,
      options.raw ?? false,
    );
  }

  /** A repo's effective config: the daemon's, with the repo's flotilla.yaml for repo-scoped keys. */
  configFor(repo: { id: string; path: string }): Config {
    this.ctx.repoConfigs.remember(repo);
    return this.ctx.repoConfigs.for(repo.id);
  }

  list(options: { all?: boolean } = {}): Promise<Agent[]> {
    return this.ctx.store.agents.list(options);
  }

  get(agentIdOrPrefix: string): Promise<Agent> {
    return this.resolve(agentIdOrPrefix);
  }

  /** CPU and memory of the agent's process tree, sampled every few seconds (kept in memory). */
  resources(agentId: string): AgentResources {
    const samples = this.ctx.runtime.peek(agentId)?.built.health?.samples ?? [];
    return { latest: samples.at(-1) ?? null, samples };
  }

  /**
   * Tokens and cost a headless agent reported in its stream lines over all its runs (zero for
   * others). After a daemon restart the totals are rebuilt from its pane log on first request.
   */
  async usage(agentIdOrPrefix: string): Promise<UsageTotals> {
    const agent = await this.resolve(agentIdOrPrefix);
    const rt = this.ctx.runtime.get(agent.id);
    if (rt.stream.offset === null && streams(this.ctx, agent)) {
      await observeStream(this.ctx, this.lifecycle, agent, rt);
    }
    return { ...rt.stream.usage };
  }

  /** The adapter kind behind an agent's config entry (`claude-auto` may be a claude-code). */
  kindOf(agent: Pick<Agent, 'adapter' | 'repoId'>): AdapterKind {
    return adapterOf(this.ctx, agent).kind;
  }

  /**
   * The agent's last words: its conversation's last message, else the last meaningful line its
   * screen showed when the monitor last looked (see `lastOutputLine`), or null when it has not
   * looked since the daemon started. In memory, O(1).
   */
  lastOutput(agentId: string): string | null {
    // A headless agent's screen shows its stream-json: its last words are in the conversation.
    return (
      this.conversations.lastSaid(agentId) ?? this.ctx.runtime.peek(agentId)?.built.screen?.lastOutput ?? null
    );
  }

  /**
   * A page of the agent's conversation (transcript or stream lines, see conversation.ts):
   * `after` a seq, or the last `limit` entries.
   */
  async conversation(agentIdOrPrefix: string, query: ConversationQuery = {}): Promise<ConversationPage> {
    return this.conversations.page(await this.resolve(agentIdOrPrefix), query);
  }

  /** A usage-limit resume scheduled for the agent (ISO), or null. */
  resumeAt(agentId: string): string | null {
    const at = this.ctx.runtime.peek(agentId)?.built.wakeups?.resumeAt;
    return at == null ? null : new Date(at).toISOString();
  }

  /** A hook event the agent could not write (disk full), until a later one arrives whole. */
  hookWriteFailure(agentId: string): string | null {
    return this.ctx.ingestor.writeFailure(agentId);
  }

  /** What is wrong with a live agent right now, for its view: a vanished worktree, a lost hook event. */
  warning(agentId: string): string | null {
    return (
      this.ctx.runtime.peek(agentId)?.built.health?.worktreeMissing ?? this.ctx.ingestor.writeFailure(agentId)
    );
  }

  /** The HTTP poke of `flotilla hook`: read the agent's new hook lines now. */
  async hookPoke(agentId: string): Promise<number> {
    const agent = await this.ctx.store.agents.get(agentId);
    if (!agent) throw new FlotillaError('NOT_FOUND', `agent '${agentId}' not found`);
    if (!this.ctx.ingestor.isTracked(agentId)) this.ctx.ingestor.track(agent);
    return this.ctx.ingestor.poke(agentId);
  }

  /**
   * A headless agent asks to run a tool (its `flotilla mcp` prompt tool): decided by its rules
   * at once, else it shows `needs_permission` and this waits up to `waitMs` for approve/deny.
   */
  async askPermission(agentId: string, ask: PermissionAsk, waitMs: number): Promise<PermissionReply> {
    const agent = await this.ctx.store.agents.get(agentId);
    if (!agent) throw new FlotillaError('NOT_FOUND', `agent '${agentId}' not found`);
    const entry = this.ctx.repoConfigs.forQuietly(agent.repoId).agents[agent.adapter] as
      | EntryWithRules
      | undefined;
    return this.permissions.ask(agent, entry, ask, waitMs);
  }

  /** The permission request a headless agent waits on, or null. */
  permissionRequest(agentId: string): PermissionRequest | null {
    return this.permissions.pending(agentId);
  }

  /**
   * An agent asks its user (its `ask_user` MCP tool): it shows `needs_input` with the question,
   * and this waits up to `waitMs` for `answerQuestion`. Recorded as `actor` (the agent).
   */
  async askUser(agentId: string, ask: QuestionAsk, waitMs: number, actor: Actor): Promise<QuestionReply> {
    const agent = await this.ctx.store.agents.get(agentId);
    if (!agent) throw new FlotillaError('NOT_FOUND', `agent '${agentId}' not found`);
    return this.questions.ask(agent, ask, waitMs, actor);
  }

  /** The asking tool call was cancelled: its question is dropped unanswered (false: none open). */
  async withdrawQuestion(agentId: string, askId: string, actor: Actor): Promise<boolean> {
    const agent = await this.ctx.store.agents.get(agentId);
    if (!agent) throw new FlotillaError('NOT_FOUND', `agent '${agentId}' not found`);
    return this.questions.withdraw(agent, askId, actor);
  }

  /** The question an agent waits on (its `ask_user` tool), or null. */
  pendingQuestion(agentId: string): Question | null {
    return this.questions.pending(agentId);
  }

  /**
   * The user answers: the agent's open question (the text becomes its tool's result), or, for
   * an agent that waits at its prompt with no question open, the text as a message (`send`).
   */
  async answerQuestion(
    agentIdOrPrefix: string,
    text: string,
    actor: Actor,
  ): Promise<{ answered: 'question' | 'message' }> {
    const agent = await this.requireLive(agentIdOrPrefix, 'answer');
    // The model reads the answer as its tool's result: terminal escapes have no business there.
    const clean = cleanText(text).trim();
    if (clean === '') {
      throw new FlotillaError('INVALID_INPUT', 'the answer is empty', {
        hint: `give the text of the answer: flotilla answer ${agent.id} "…"`,
      });
    }
    const answered = await this.questions.answer(agent, clean, actor);
    if (answered === null) {
      if (agent.status !== 'needs_input') {
        throw new FlotillaError('CONFLICT', `agent ${agent.id} has asked nothing: it is ${agent.status}`, {
          hint: `to tell it something anyway: flotilla send ${agent.id} "…"`,
        });
      }
      await this.send(agent.id, text, actor);
      return { answered: 'message' };
    }
    this.ctx.runtime.get(agent.id).health.touch(this.ctx.now());
    await this.lifecycle.applySignal(
      agent.id,
      { status: 'working', source: 'user', detail: 'question answered' },
      undefined,
      actor,
    );
    return { answered: 'question' };
  }

  /** One health pass now (tests and benchmarks; the daemon ticks by itself after boot). */
  tick(): Promise<TickStats> {
    return this.health.tick();
  }

  /** Runs the adapter's answer protocol; returns the option chosen ("Yes", "No, <message>"). */
  private async answer(agentIdOrPrefix: string, request: DialogAnswer, actor: Actor): Promise<string> {
    const agent = await this.requireLive(agentIdOrPrefix, 'answer a dialog of');
    const hints = actionHints(agent.id);
    const answer: DialogAnswer =
      request.decision === 'deny' && request.message !== undefined
        ? {
            decision: 'deny',
            message: checkMessageText(request.message, {
              label: 'deny message',
              multiline: false,
              attachHint: `to press keys in the agent's terminal, attach: ${hints.attach}`,
            }),
          }
        : request;
    // A headless agent's request (the `flotilla mcp` prompt tool) is answered there, not on screen.
    if (answer.decision === 'approve' && answer.always && this.permissions.pending(agent.id)) {
      throw new FlotillaError(
        'INVALID_INPUT',
        `agent ${agent.id} runs headless: its request has no "don't ask again" option`,
        {
          hint: `approve it once (flotilla approve ${agent.id}), and allow such calls from now on with a rule in agents.${agent.adapter}.permissions.allow`,
        },
      );
    }
    const viaTool = await this.permissions.answer(agent, answer, actor);
    if (viaTool !== null) {
      this.ctx.runtime.get(agent.id).health.touch(this.ctx.now());
      const detail = answer.decision === 'approve' ? 'permission granted' : 'permission denied';
      await this.lifecycle.applySignal(
        agent.id,
        { status: 'working', source: 'user', detail: `${detail}: ${viaTool}` },
        undefined,
        actor,
      );
      return viaTool;
    }
    const began = this.ctx.now();
    const chosen = await this.screenLocks.run(agent.id, async () => {
      const io = this.screenIo(agent);
      const plan = adapterOf(this.ctx, agent).answerDialog(await io.capture(), answer, hints);
      if (!plan) {
        throw new FlotillaError('CONFLICT', `agent ${agent.id}: no permission dialog is open`, {
          hint: `see its screen with: ${hints.attach}`,
        });
      }
      await runScreenPlan(io, plan, { attachHint: hints.attach });
      return plan.chosen;
    });
    this.ctx.runtime.get(agent.id).health.touch(this.ctx.now());
    const after: StatusSignal =
      answer.decision === 'approve'
        ? { status: 'working', source: 'user', detail: `permission granted: ${chosen}` }
        : answer.message !== undefined
          ? { status: 'working', source: 'user', detail: 'permission denied, with a message for the agent' }
          : // A plain "No" ends the turn: Claude Code asks "What should Claude do instead?".
            {
              status: 'needs_input',
              source: 'user',
              detail: 'permission denied: waiting for what to do instead',
            };
    await this.applyUserSignal(agent, after, actor, began);
    return chosen;
  }

  /**
   * Applies the status a user action implies. For an agent read from its screen only, the screen
   * is then compared with that status afresh: a scripted turn can end before the action's status
   * lands (codex answered within milliseconds of an approve), and a debouncer that had already
   * reported the idle screen would never report it again — the agent showed `working` for ever.
   */
  private async applyUserSignal(
    agent: Agent,
    signal: StatusSignal,
    actor: Actor,
    began?: number,
  ): Promise<void> {
    const hooks = adapterOf(this.ctx, agent).signals.hooks;
    const screen = this.ctx.runtime.get(agent.id).screen;
    // A hook that spoke after the action began is newer than the status the action implies: a
    // scripted turn can end (Stop → idle) while the keys are still being verified, and writing
    // `working` over that left a finished agent shown busy until the screen overruled it (8 s).
    // Except a late word about the dialog just answered: that one is older than the answer.
    const heard = screen.lastHookSignal;
    if (hooks && began !== undefined && heard && heard.at >= began && heard.status !== 'needs_permission')
      return;
    // A screen-only agent's reading restarts from this status first, so that no look at the
    // screen taken before the action can be reported over it.
    if (!hooks) screen.restart(signal);
    await this.lifecycle.applySignal(agent.id, signal, undefined, actor);
  }

  /** The pane, as a screen protocol sees it: capture, one key, literal text or one paste. */
  private screenIo(agent: Agent): ScreenIo {
    const { tmux } = this.ctx;
    const session = agent.tmuxSession;
    return {
      capture: () => tmux.capturePane(session),
      key: (key) => tmux.sendKeys(session, [key]),
      text: (text) => (text.includes('\n') ? tmux.pasteText(session, text) : tmux.sendText(session, text)),
    };
  }

  private async onHook(ref: AgentRef, line: HookLine, commit: HookCommit): Promise<void> {
    const { ctx } = this;
    const rt = ctx.runtime.get(ref.id);
    const now = ctx.now();
    rt.health.touch(now);
    // Look at the screen again (throttled): a TUI's last redraw after a hook often lands in the
    // same second as earlier output, which tmux's activity clock cannot tell apart, and the
    // dashboard's card would keep showing a spinner line from before the turn ended.
    rt.screen.hookArrived(now);
    const agent = await ctx.store.agents.get(ref.id);
    if (!agent) return;
    const adapter = adapterOf(ctx, agent);
    // The hook's own time: a reset time relative to it stays right when read after a daemon restart.
    const at = new Date(line.ts);
    const when = Number.isNaN(at.getTime()) ? new Date(ctx.now()) : at;
    const signal =
      adapter.fromHook?.({ hook_event_name: line.event, ...line.payload }, agent.mode, when) ?? null;
    if (!signal) return;
    // A hook is the better signal: what the screen seemed to say until now is forgotten.
    rt.screen.hookArrived(now, signal);
    await this.lifecycle.applySignal(agent.id, signal, commit);
  }

  private resolve(agentIdOrPrefix: string): Promise<Agent> {
    return this.ctx.store.agents.resolve(agentIdOrPrefix);
  }

  private async requireLive(agentIdOrPrefix: string, what: string): Promise<Agent> {
    const agent = await this.resolve(agentIdOrPrefix);
    if (!isLive(agent.status)) {
      throw new FlotillaError('CONFLICT', `cannot ${what} agent ${agent.id}: it is ${agent.status}`, {
        hint: `restart it first: flotilla restart ${agent.id}`,
      });
    }
    return agent;
  }
}

/** The commands errors of screen actions name. */
function actionHints(agentId: string): ActionHints {
  return {
    attach: `flotilla attach ${agentId}`,
    answer: `answer it first: flotilla approve ${agentId}, or flotilla deny ${agentId} --message "what to do instead"`,
  };
}
