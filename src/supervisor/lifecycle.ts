import { existsSync } from 'node:fs';
import { CONTINUE_PROMPT } from '../agents/prompt.js';
import type { StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { SupervisorContext } from './context.js';
import { healthEvent } from './health-events.js';
import { type HeldAgent, isLive } from './machine.js';
import { relaunch } from './relaunch.js';
import { type AgentExit, decideRestart, describeExit, exitKind } from './restart.js';
import { clearTimers } from './runtime.js';
import { recordStatusFacts } from './status-facts.js';
import { killAgentProcess, readLastWords } from './stop.js';
import { readSupervision, writeRestartAt, writeResumeAt } from './supervision-store.js';

/**
 * What happens around an agent's death: the restart policy applied to it, restarts waiting out
 * their backoff, usage-limit resumes, and a user's stop (which is never undone). Timers are
 * persisted as times in the store, so a restarted daemon re-arms them.
 */

/** setTimeout cannot wait longer than this (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Lifecycle {
  constructor(private readonly ctx: SupervisorContext) {}

  /**
   * The agent's process was seen dead (or its session gone) by an observation made at
   * `generation`. Reads its last hook lines and screen first: a usage-limit message there
   * schedules a resume instead of counting as a crash.
   */
  async onDeath(agentId: string, exit: AgentExit, generation: number): Promise<void> {
    const { ctx } = this;
    const rt = ctx.runtime.get(agentId);
    if (rt.generation !== generation) return;
    await ctx.ingestor.poke(agentId).catch(() => 0);
    await readLastWords(ctx, this, agentId);
    await ctx.machines.run(agentId, async (held) => {
      const agent = held.agent;
      if (rt.generation !== generation || !isLive(agent.status) || rt.stopping) return;
      if (exit.code !== null && exit.code !== agent.exitCode) {
        await ctx.store.agents.update(agentId, { exitCode: exit.code }, 'supervisor');
      }
      const now = ctx.now();
      if (rt.resumeAt !== null && rt.resumeAt > now) {
        await held.set(
          'exited',
          'liveness',
          `usage limit, resumes at ${new Date(rt.resumeAt).toISOString()}`,
        );
        return;
      }
      const kind = exitKind(exit);
      rt.diedWaiting = agent.status === 'needs_input' || agent.status === 'idle';
      await held.set(kind === 'clean' ? 'exited' : 'crashed', 'liveness', describeExit(exit));
      const { restarts } = await readSupervision(ctx.store.db, agentId);
      const decision = decideRestart(ctx.config.restart, kind, restarts, now);
      if (decision.action === 'restart') {
        await this.scheduleRestart(
          agentId,
          decision.delayMs,
          `${describeExit(exit)}; restart ${decision.attempt}`,
        );
      } else if (decision.action === 'give-up') {
        await healthEvent(ctx, agent, {
          check: 'restart',
          level: 'error',
          final: true,
          message: `agent ${agent.id} ${describeExit(exit)} and will not be restarted: ${decision.reason}`,
          lastOutput: rt.lastWords,
        });
      } else if (kind === 'clean') {
        await this.onExited(held.agent);
      }
    });
  }

  /** A headless agent that finished cleanly hands its task over for review. */
  async onExited(agent: Agent): Promise<void> {
    if (agent.mode !== 'headless') return;
    const task = await this.ctx.store.tasks.get(agent.taskId);
    if (task?.status === 'in_progress') await this.ctx.store.tasks.move(task.id, 'review', 'supervisor');
  }

  async scheduleRestart(agentId: string, delayMs: number, reason: string): Promise<void> {
    const at = this.ctx.now() + delayMs;
    await writeRestartAt(this.ctx.store.db, agentId, new Date(at).toISOString());
    this.armRestart(agentId, at, reason);
  }

  /** (Re-)arms the timer of a restart due at `at` (epoch ms). */
  armRestart(agentId: string, at: number, reason: string): void {
    const rt = this.ctx.runtime.get(agentId);
    if (rt.restartTimer) clearTimeout(rt.restartTimer);
    const wait = Math.max(0, at - this.ctx.now());
    rt.restartTimer = setTimeout(
      () => {
        rt.restartTimer = null;
        if (wait > MAX_TIMER_MS) return this.armRestart(agentId, at, reason);
        void this.policyRestart(agentId, reason).catch((err) =>
          this.ctx.logger.error({ agentId, err }, 'scheduled restart failed'),
        );
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    rt.restartTimer.unref();
  }

  /** A restart decided by the policy: only if the agent is still dead and nobody stopped it. */
  private policyRestart(agentId: string, reason: string): Promise<void> {
    return this.ctx.machines.run(agentId, async (held) => {
      await writeRestartAt(this.ctx.store.db, agentId, null);
      if (held.agent.status !== 'crashed' && held.agent.status !== 'exited') return;
      // An agent that was mid-task is asked to carry on; one that was waiting for its user
      // comes back waiting (a "continue" would start a turn, and spend tokens, nobody asked for).
      const waiting = this.ctx.runtime.get(agentId).diedWaiting;
      const failure = await relaunch(this.ctx, held, {
        reason,
        byUser: false,
        countsTowardIntensity: true,
        ...(waiting ? {} : { resumePrompt: CONTINUE_PROMPT }),
      });
      if (failure) await this.afterFailedRelaunch(held, failure);
    });
  }

  /** A relaunch that failed counts as another crash: restart again later, or give up. */
  private async afterFailedRelaunch(held: HeldAgent, failure: string): Promise<void> {
    const { ctx } = this;
    const { restarts } = await readSupervision(ctx.store.db, held.agent.id);
    const decision = decideRestart(ctx.config.restart, 'failure', restarts, ctx.now());
    if (decision.action === 'restart') await this.scheduleRestart(held.agent.id, decision.delayMs, failure);
    else {
      await healthEvent(ctx, held.agent, {
        check: 'restart',
        level: 'error',
        final: true,
        message: `agent ${held.agent.id} could not be restarted (${failure}) and will not be retried: ${decision.reason}`,
      });
    }
  }

  /** A user's restart: stops a live agent first, resumes the same conversation, no intensity count. */
  userRestart(agentId: string, reason = 'restarted by the user'): Promise<Agent> {
    return this.ctx.machines.run(agentId, async (held) => {
      if (held.agent.status === 'restarting') {
        throw new FlotillaError('CONFLICT', `agent ${agentId} is already restarting`);
      }
      // Checked before anything changes: a restart that cannot happen leaves the agent as it is.
      const worktree = await this.ctx.store.worktrees.byTask(held.agent.taskId);
      if (!worktree || worktree.path !== held.agent.worktreePath || !existsSync(worktree.path)) {
        throw new FlotillaError(
          'CONFLICT',
          `agent ${agentId} cannot restart: its worktree ${held.agent.worktreePath} is gone`,
          {
            hint: `start a new agent on the task instead: flotilla rm ${agentId} && flotilla start ${held.agent.taskId}`,
          },
        );
      }
      await this.cancelWakeups(agentId);
      if (isLive(held.agent.status)) await this.killAgent(held.agent);
      const failure = await relaunch(this.ctx, held, { reason, byUser: true, countsTowardIntensity: false });
      if (failure)
        throw new FlotillaError('PROCESS_FAILED', `could not restart agent ${agentId}: ${failure}`);
      return held.agent;
    });
  }

  /**
   * Stops an agent: SIGINT → SIGTERM → SIGKILL to its process group with bounded waits, then
   * `stopped`. A pending restart or resume is cancelled. The tmux session is left (dead but
   * readable: its last screen and scrollback stay until the agent is removed).
   */
  stop(agentId: string, reason = 'stopped by the user'): Promise<Agent> {
    return this.ctx.machines.run(agentId, async (held) => {
      await this.cancelWakeups(agentId);
      const { status } = held.agent;
      if (status === 'stopped') return held.agent;
      let how = reason;
      if (isLive(status) || status === 'restarting') {
        const outcome = await this.killAgent(held.agent);
        how = outcome ? `${reason} (${outcome})` : reason;
      }
      await held.set('stopped', 'user', how);
      return held.agent;
    });
  }

  /** Kills the agent's process group with escalation; returns the signal that ended it. */
  killAgent(agent: Agent): Promise<string | null> {
    return killAgentProcess(this.ctx, agent);
  }

  /**
   * Applies a status signal (hook, stream or pane). A usage-limit signal schedules the resume
   * and shows it in the status detail; a `send-keys` prompt is typed once the agent is ready.
   */
  applySignal(agentId: string, signal: StatusSignal): Promise<void> {
    const { ctx } = this;
    return ctx.machines.run(agentId, async (held) => {
      const rt = ctx.runtime.get(agentId);
      if (signal.resumeAt && signal.resumeAt.getTime() > ctx.now()) {
        await this.armResume(agentId, signal.resumeAt.getTime(), true);
        if (isLive(held.agent.status)) {
          await held.set('idle', signal.source, `usage limit, resumes at ${signal.resumeAt.toISOString()}`);
        }
        return;
      }
      const result = await held.set(signal.status, signal.source, signal.detail);
      if (result.changed) rt.lastActivityAt = ctx.now();
      await recordStatusFacts(ctx, held.agent, signal, result.changed);
      const ready = held.agent.status === 'idle' || held.agent.status === 'needs_input';
      if (ready && rt.pendingPrompt !== null) {
        const text = rt.pendingPrompt;
        rt.pendingPrompt = null;
        await ctx.tmux.sendText(held.agent.tmuxSession, text, { enter: true });
        await held.set('working', 'supervisor', 'initial prompt sent');
      }
    });
  }

  /** Schedules a usage-limit resume at `at` (epoch ms); `persist` records it for a daemon restart. */
  async armResume(agentId: string, at: number, persist: boolean): Promise<void> {
    const rt = this.ctx.runtime.get(agentId);
    if (persist) await writeResumeAt(this.ctx.store.db, agentId, new Date(at).toISOString());
    rt.resumeAt = at;
    if (rt.resumeTimer) clearTimeout(rt.resumeTimer);
    const wait = Math.max(0, at - this.ctx.now());
    rt.resumeTimer = setTimeout(
      () => {
        rt.resumeTimer = null;
        if (wait > MAX_TIMER_MS) return void this.armResume(agentId, at, false);
        void this.resumeNow(agentId).catch((err) =>
          this.ctx.logger.error({ agentId, err }, 'usage-limit resume failed'),
        );
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    rt.resumeTimer.unref();
  }

  /** The usage limit has reset: nudge a waiting agent, or relaunch one that exited. */
  resumeNow(agentId: string): Promise<void> {
    const { ctx } = this;
    return ctx.machines.run(agentId, async (held) => {
      const rt = ctx.runtime.get(agentId);
      rt.resumeAt = null;
      await writeResumeAt(ctx.store.db, agentId, null);
      const { status, tmuxSession } = held.agent;
      if (isLive(status)) {
        await ctx.tmux.sendText(tmuxSession, CONTINUE_PROMPT, { enter: true });
        await held.set('working', 'supervisor', 'usage limit reset; resumed');
      } else if (status === 'exited' || status === 'crashed') {
        await relaunch(ctx, held, {
          reason: 'usage limit reset',
          byUser: false,
          countsTowardIntensity: false,
          resumePrompt: CONTINUE_PROMPT,
        });
      }
    });
  }

  /** Cancels a pending restart or usage-limit resume, in memory and in the store. */
  async cancelWakeups(agentId: string): Promise<void> {
    const rt = this.ctx.runtime.get(agentId);
    const had = rt.restartTimer !== null || rt.resumeTimer !== null || rt.resumeAt !== null;
    clearTimers(rt);
    rt.resumeAt = null;
    const saved = await readSupervision(this.ctx.store.db, agentId);
    if (had || saved.restartAt !== null || saved.resumeAt !== null) {
      await writeRestartAt(this.ctx.store.db, agentId, null);
      await writeResumeAt(this.ctx.store.db, agentId, null);
    }
  }
}
