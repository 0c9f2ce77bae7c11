import { existsSync } from 'node:fs';
import { shorten } from '../agents/json.js';
import { CONTINUE_PROMPT } from '../agents/prompt.js';
import type { RunEnd } from '../agents/run-end.js';
import type { StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import { type SupervisorContext, streams } from './context.js';
import { healthEvent } from './health-events.js';
import type { HookCommit } from './hook-events.js';
import { canTransition, type HeldAgent, isLive, requestSource } from './machine.js';
import { relaunch } from './relaunch.js';
import { type AgentExit, decideRestart, describeExit, exitKind } from './restart.js';
import { rateLimitWait, recordRunEnd, runEndOf } from './run-ends.js';
import { hasFacts, statusFacts } from './status-facts.js';
import { killAgentProcess, readLastWords } from './stop.js';
import { observeStream } from './stream-watch.js';

/**
 * What happens around an agent's death: the restart policy applied to it, restarts waiting out
 * their backoff, usage-limit resumes, and a user's stop (which is never undone). Timers are
 * persisted as times in the store, so a restarted daemon re-arms them.
 */

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
    if (rt.run.generation !== generation) return;
    // Waiting out a limit with its process gone (a headless run that gave up): nothing to judge
    // until the resume (after a daemon restart the resume time is only in the store so far).
    const waiting =
      rt.wakeups.resumeAt ?? Date.parse((await ctx.store.supervision.get(agentId)).resumeAt ?? '');
    const current = await ctx.store.agents.get(agentId);
    if (waiting > ctx.now() && current?.status === 'rate_limited') {
      // Its last stream lines are still read now: left unread, the relaunch would take them for its own.
      if (streams(ctx, current)) await observeStream(ctx, this, current, rt).catch(() => 0);
      return;
    }
    await ctx.ingestor.poke(agentId).catch(() => 0);
    await readLastWords(ctx, this, agentId);
    await ctx.machines.run(agentId, async (held) => {
      const agent = held.agent;
      if (rt.run.generation !== generation || !isLive(agent.status) || rt.run.stopping) return;
      if (exit.code !== null && exit.code !== agent.exitCode) {
        await ctx.store.agents.update(agentId, { exitCode: exit.code }, 'supervisor');
      }
      const now = ctx.now();
      const runEnd = runEndOf(rt);
      const resumeAt = rt.wakeups.resumeAt;
      if (resumeAt !== null && resumeAt > now) {
        // A limit is never a crash and spends no restart: the one resume is already armed.
        if (agent.status !== 'rate_limited') {
          await held.set(
            'rate_limited',
            'liveness',
            `${runEnd?.reason ?? 'rate limited'}; resumes at ${new Date(resumeAt).toISOString()}`,
          );
        }
        return;
      }
      if (runEnd?.outcome === 'api_error') {
        // The same request would be refused again: a restart spends tokens and shows nothing new.
        await held.set('crashed', 'liveness', `API error, not restarted: ${runEnd.reason}`);
        await healthEvent(ctx, agent, {
          check: 'api-error',
          level: 'error',
          final: true,
          message: `agent ${agent.id} ended on an API error a restart would repeat: ${runEnd.reason}; task ${agent.taskId} stays ${agent.mode === 'headless' ? 'in progress' : 'as it is'}: fix the cause, then flotilla restart ${agent.id}`,
        });
        return;
      }
      const kind = exitKind(exit);
      rt.run.died(agent.status === 'needs_input' || agent.status === 'idle');
      const said = runEnd && runEnd.outcome !== 'success' ? `: ${runEnd.reason}` : '';
      await held.set(kind === 'clean' ? 'exited' : 'crashed', 'liveness', `${describeExit(exit)}${said}`);
      const { restarts } = await ctx.store.supervision.get(agentId);
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
          lastOutput: rt.run.lastWords,
        });
      } else if (kind === 'clean') {
        await this.onExited(held.agent, runEnd);
      }
    });
  }

  /**
   * A headless agent that finished cleanly hands its task over for review, but only when its
   * run said it succeeded: a run with denied tool calls or an error leaves the task in progress
   * and says why (the agent's status detail and an `agent.health` event on the task). An agent
   * whose output has no result (other adapters) hands over on a clean exit, as before.
   */
  async onExited(agent: Agent, runEnd: RunEnd | null = null): Promise<void> {
    if (agent.mode !== 'headless') return;
    const task = await this.ctx.store.tasks.get(agent.taskId);
    if (task?.status !== 'in_progress') return;
    if (runEnd === null || runEnd.outcome === 'success') {
      await this.ctx.store.tasks.move(task.id, 'review', 'supervisor');
      return;
    }
    await healthEvent(this.ctx, agent, {
      check: 'run-result',
      level: 'warn',
      final: true,
      outcome: runEnd.outcome,
      message: `task ${task.id} stays in progress, not moved to review: agent ${agent.id}'s run ${runEnd.outcome === 'denied' ? 'finished, but' : 'failed:'} ${runEnd.reason}. Fix it, then: flotilla restart ${agent.id}`,
    });
  }

  async scheduleRestart(agentId: string, delayMs: number, reason: string): Promise<void> {
    const at = this.ctx.now() + delayMs;
    await this.ctx.store.supervision.setRestartAt(agentId, new Date(at).toISOString());
    this.armRestart(agentId, at, reason);
  }

  /** (Re-)arms the timer of a restart due at `at` (epoch ms). */
  armRestart(agentId: string, at: number, reason: string): void {
    this.ctx.runtime.get(agentId).wakeups.armRestart(
      at - this.ctx.now(),
      () =>
        void this.policyRestart(agentId, reason).catch((err) =>
          this.ctx.logger.error({ agentId, err }, 'scheduled restart failed'),
        ),
      () => this.armRestart(agentId, at, reason),
    );
  }

  /** A restart decided by the policy: only if the agent is still dead and nobody stopped it. */
  private policyRestart(agentId: string, reason: string): Promise<void> {
    return this.ctx.machines.run(agentId, async (held) => {
      await this.ctx.store.supervision.setRestartAt(agentId, null);
      if (held.agent.status !== 'crashed' && held.agent.status !== 'exited') return;
      // An agent that was mid-task is asked to carry on; one that was waiting for its user
      // comes back waiting (a "continue" would start a turn, and spend tokens, nobody asked for).
      const waiting = this.ctx.runtime.get(agentId).run.diedWaiting;
      const failure = await relaunch(this.ctx, held, {
        reason,
        actor: 'supervisor',
        countsTowardIntensity: true,
        ...(waiting ? {} : { resumePrompt: CONTINUE_PROMPT }),
      });
      if (failure) await this.afterFailedRelaunch(held, failure);
    });
  }

  /** A relaunch that failed counts as another crash: restart again later, or give up. */
  private async afterFailedRelaunch(held: HeldAgent, failure: string): Promise<void> {
    const { ctx } = this;
    const { restarts } = await ctx.store.supervision.get(held.agent.id);
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

  /**
   * A requested restart (a caller's, or the health monitor's limit action): stops a live agent
   * first, resumes the same conversation, no intensity count. Every event it appends is `actor`'s.
   */
  userRestart(
    agentId: string,
    actor: Actor,
    reason = 'restarted by the user',
    resumePrompt?: string,
  ): Promise<Agent> {
    return this.ctx.machines.run(agentId, async (held) => {
      if (held.agent.status === 'restarting') {
        throw new FlotillaError('CONFLICT', `agent ${agentId} is already restarting`);
      }
      // Checked before anything changes: a restart that cannot happen leaves the agent as it is.
      const worktree = await this.ctx.store.worktrees.ofAgent(agentId);
      if (!worktree || worktree.removedAt !== null || !existsSync(worktree.path)) {
        throw new FlotillaError(
          'CONFLICT',
          `agent ${agentId} cannot restart: its worktree ${held.agent.worktreePath} is gone`,
          {
            hint: `start a new agent on the task instead: flotilla rm ${agentId} && flotilla start ${held.agent.taskId}`,
          },
        );
      }
      await this.cancelWakeups(agentId);
      if (isLive(held.agent.status)) await this.killAgent(held.agent, actor);
      const failure = await relaunch(this.ctx, held, {
        reason,
        actor,
        countsTowardIntensity: false,
        ...(resumePrompt === undefined ? {} : { resumePrompt }),
      });
      if (failure)
        throw new FlotillaError('PROCESS_FAILED', `could not restart agent ${agentId}: ${failure}`);
      return held.agent;
    });
  }

  /**
   * Stops an agent: SIGINT → SIGTERM → SIGKILL to its process group with bounded waits, then
   * `stopped`. A pending restart or resume is cancelled. The tmux session is left (dead but
   * readable: its last screen and scrollback stay until the agent is removed). Every event it
   * appends is `actor`'s: the caller's, or `supervisor` for a limit's stop.
   */
  stop(agentId: string, actor: Actor, reason = 'stopped by the user'): Promise<Agent> {
    return this.ctx.machines.run(agentId, async (held) => {
      await this.cancelWakeups(agentId);
      const { status } = held.agent;
      if (status === 'stopped') return held.agent;
      let how = reason;
      if (isLive(status) || status === 'restarting') {
        const outcome = await this.killAgent(held.agent, actor);
        how = outcome ? `${reason} (${outcome})` : reason;
      }
      await held.set('stopped', requestSource(actor), how, actor);
      return held.agent;
    });
  }

  /** Kills the agent's process group with escalation; returns the signal that ended it. */
  killAgent(agent: Agent, actor: Actor): Promise<string | null> {
    return killAgentProcess(this.ctx, agent, actor);
  }

  /**
   * Applies a status signal (hook, stream or pane). A usage-limit signal schedules the resume
   * and shows it in the status detail; a `send-keys` prompt is typed once the agent is ready.
   * A hook's signal comes with `hook`: its status change and facts are then written in the hook
   * line's own transaction (one hook, one commit). `actor`: who caused it when a caller did (a
   * message sent, a dialog answered); otherwise the source's (`hook` or `supervisor`).
   */
  applySignal(agentId: string, signal: StatusSignal, hook?: HookCommit, actor?: Actor): Promise<void> {
    const { ctx } = this;
    return ctx.machines.run(agentId, async (held) => {
      const rt = ctx.runtime.get(agentId);
      const now = ctx.now();
      if (signal.runEnd) recordRunEnd(rt, signal.runEnd);
      const resetKnown = signal.resumeAt !== undefined && signal.resumeAt.getTime() > now;
      // Rate-limited for good (the agent gave up, or said when the limit resets): Flotilla
      // resumes it once, at the reset or after a capped backoff. A limit Claude Code is still
      // retrying by itself (api_retry) is shown, and the next line overrides it.
      if (resetKnown || (signal.status === 'rate_limited' && signal.runEnd)) {
        // Several writes follow (resume time, status, health event): the line is on record first.
        await hook?.();
        const pending = rt.wakeups.resumePending(now);
        if (resetKnown || !pending) {
          const at = resetKnown
            ? (signal.resumeAt as Date).getTime()
            : now + rateLimitWait(rt, ctx.config.restart);
          await this.armResume(agentId, at, true);
        }
        const at = new Date(rt.wakeups.resumeAt ?? now).toISOString();
        const why = signal.runEnd?.reason ?? signal.detail ?? 'usage limit';
        const detail = shorten(`${why}; resumes at ${at}`, 300);
        if (isLive(held.agent.status)) {
          const result = await held.set('rate_limited', signal.source, detail, actor);
          // Already rate_limited (Claude Code was retrying by itself): the reason and time change.
          if (!result.changed && held.agent.statusDetail !== detail) {
            await ctx.store.agents.setFacts(agentId, { statusDetail: detail });
            await held.refresh();
          }
        }
        if (resetKnown || !pending) {
          await healthEvent(ctx, held.agent, {
            check: 'rate-limit',
            level: 'warn',
            resumeAt: at,
            message: `agent ${agentId} is rate-limited (${why}); Flotilla resumes it once at ${at}, spending no restart`,
          });
        }
        return;
      }
      // Nothing overrides a limit being waited out (Claude Code's idle notification, a redraw)
      // until the resume; stop and restart cancel it.
      if (held.agent.status === 'rate_limited' && rt.wakeups.resumePending(now)) return;
      const before = held.agent;
      const allowed = before.status === signal.status || canTransition(before.status, signal.status);
      const facts = statusFacts(before, allowed ? signal.status : before.status, signal, now);
      const result = await held.set(
        signal.status,
        signal.source,
        signal.detail,
        actor,
        hook &&
          ((to, source, actor, detail) => hook({ status: { status: to, source, actor, detail }, facts })),
      );
      if (result.changed) rt.health.active(ctx.now());
      // Unchanged (or refused): the facts alone, with the hook line when there is one.
      if (hook) await hook(hasFacts(facts) ? { facts } : {});
      else if (hasFacts(facts)) await ctx.store.agents.setFacts(agentId, facts);
      const ready = held.agent.status === 'idle' || held.agent.status === 'needs_input';
      const text = ready ? rt.run.takePendingPrompt() : null;
      if (text !== null) {
        await ctx.tmux.sendText(held.agent.tmuxSession, text, { enter: true });
        await held.set('working', 'supervisor', 'initial prompt sent');
      }
    });
  }

  /** Schedules a usage-limit resume at `at` (epoch ms); `persist` records it for a daemon restart. */
  async armResume(agentId: string, at: number, persist: boolean): Promise<void> {
    if (persist) await this.ctx.store.supervision.setResumeAt(agentId, new Date(at).toISOString());
    this.ctx.runtime.get(agentId).wakeups.armResume(
      at,
      at - this.ctx.now(),
      () =>
        void this.resumeNow(agentId).catch((err) =>
          this.ctx.logger.error({ agentId, err }, 'usage-limit resume failed'),
        ),
      () => void this.armResume(agentId, at, false),
    );
  }

  /** The usage limit has reset: nudge a waiting agent, or relaunch one that exited. */
  resumeNow(agentId: string): Promise<void> {
    const { ctx } = this;
    return ctx.machines.run(agentId, async (held) => {
      ctx.runtime.get(agentId).wakeups.resumed();
      await ctx.store.supervision.setResumeAt(agentId, null);
      const { status, tmuxSession } = held.agent;
      const pane = await ctx.tmux.paneInfo(tmuxSession).catch(() => null);
      const alive = pane !== null && !pane.paneDead;
      if (isLive(status) && alive) {
        await ctx.tmux.sendText(tmuxSession, CONTINUE_PROMPT, { enter: true });
        await held.set('working', 'supervisor', 'rate limit reset; resumed');
      } else if (status === 'exited' || status === 'crashed' || status === 'rate_limited') {
        await relaunch(ctx, held, {
          reason: 'rate limit reset',
          actor: 'supervisor',
          countsTowardIntensity: false,
          resumePrompt: CONTINUE_PROMPT,
        });
      }
    });
  }

  /** Cancels a pending restart or usage-limit resume, in memory and in the store. */
  async cancelWakeups(agentId: string): Promise<void> {
    const rt = this.ctx.runtime.get(agentId);
    rt.wakeups.cancel();
    await this.ctx.store.supervision.clearWakeups(agentId);
  }
}
