import { existsSync } from 'node:fs';
import type { Actor } from '../domain/event.js';
import { adapterOf, agentEntry, type SupervisorContext } from './context.js';
import { type HeldAgent, requestSource } from './machine.js';
import { prepareLaunch } from './prepare.js';

/**
 * Starting an agent again in its own worktree, on its own branch, in its own tmux session
 * (respawned in place when the session survived, so attached users and scrollback stay), and
 * resuming its own conversation (`adapter.resume`: `--resume <session id>`, never "the latest
 * session of this folder"). Runs with the agent's lock held.
 */

export interface RelaunchOptions {
  reason: string;
  /**
   * Who asked: a caller's restart records every event of the relaunch as theirs (its status
   * `source` stays `user`); the policy's, a resume's and a limit's are the `supervisor`'s.
   */
  actor: Actor;
  /** Policy restarts count against restart.intensity; user restarts and usage-limit resumes do not. */
  countsTowardIntensity: boolean;
  /**
   * Sent once the conversation is loaded. Restarts that recover from a crash or a usage limit
   * ask the agent to carry on (CONTINUE_PROMPT); a user's restart leaves the next word to them.
   */
  resumePrompt?: string;
}

/** Relaunches; returns null on success, or why it failed (the agent is then `crashed`). */
export async function relaunch(
  ctx: SupervisorContext,
  held: HeldAgent,
  options: RelaunchOptions,
): Promise<string | null> {
  const { store, tmux, config } = ctx;
  const before = held.agent;
  const rt = ctx.runtime.get(before.id);
  const { actor } = options;
  await held.set('restarting', requestSource(actor), options.reason, actor);
  rt.run.relaunching();
  const now = ctx.now();
  try {
    const task = await store.tasks.get(before.taskId);
    if (!task) throw new Error(`its task ${before.taskId} no longer exists`);
    const worktree = await store.worktrees.ofAgent(before.id);
    if (!worktree || worktree.removedAt !== null || !existsSync(worktree.path)) {
      throw new Error(`its worktree ${before.worktreePath} is gone`);
    }
    const entry = agentEntry(ctx.repoConfigs.for(before.repoId), before.adapter);
    const prepared = prepareLaunch(ctx, {
      agentId: before.id,
      name: before.adapter,
      entry,
      adapter: adapterOf(ctx, before),
      task,
      worktreePath: worktree.path,
      mode: before.mode,
      sessionId: before.sessionId,
      portBase: worktree.portBase,
      resume: true,
      ...(options.resumePrompt === undefined ? {} : { resumePrompt: options.resumePrompt }),
    });
    const launch = { argv: prepared.argv, env: prepared.env, cwd: worktree.path, logFile: prepared.logFile };
    if (await tmux.hasSession(before.tmuxSession)) await tmux.respawn(before.tmuxSession, launch);
    else {
      await tmux.newSession({
        name: before.tmuxSession,
        ...launch,
        historyLimit: Math.max(1, config.tmux.history_limit),
      });
    }
    const pane = await tmux.paneInfo(before.tmuxSession);
    const intensity = options.countsTowardIntensity
      ? { windowSeconds: config.restart.intensity.window_seconds }
      : null;
    await store.supervision.recordRestart(before, {
      at: now,
      pid: pane?.panePid ?? null,
      actor,
      reason: options.reason,
      resumed: prepared.resumed,
      intensity,
    });
    await held.refresh();
    await held.set('starting', 'supervisor', options.reason, actor);
    rt.health.newEpisode(ctx.now());
    rt.screen.restart();
    rt.run.relaunched(prepared.pendingPrompt);
    ctx.ingestor.track(held.agent);
    ctx.logger.info(
      { agentId: before.id, restartCount: held.agent.restartCount, reason: options.reason },
      'agent restarted',
    );
    return null;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (options.countsTowardIntensity) {
      await store.supervision.recordFailedRestart(before.id, now, config.restart.intensity.window_seconds);
    }
    await held.set('crashed', 'supervisor', `restart failed: ${why}`, actor);
    ctx.logger.warn({ agentId: before.id, err }, 'agent restart failed');
    return why;
  }
}
