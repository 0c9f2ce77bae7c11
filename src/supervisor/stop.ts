import type { Agent } from '../domain/agent.js';
import type { Actor } from '../domain/event.js';
import { killProcessGroup } from '../proc/index.js';
import { adapterOf, type SupervisorContext, streams } from './context.js';
import { observeStream, type SignalSink } from './stream-watch.js';

/** An agent's end: stopping its process, and reading what it said last. */

/**
 * SIGINT → SIGTERM → SIGKILL to the pane's process group (the agent and its children; the
 * launcher execs the agent, so the pane's pid leads the group), with bounded waits; then waits
 * (bounded) until tmux has seen it die, to record its exit status. While it runs, the agent's
 * death is a stop, not a crash. Returns the signal that ended it, or null if it was not running.
 * The exit code it records is `actor`'s, who asked for the stop.
 */
export async function killAgentProcess(
  ctx: Pick<SupervisorContext, 'runtime' | 'tmux' | 'store' | 'stopGraceMs'>,
  agent: Agent,
  actor: Actor,
): Promise<string | null> {
  return ctx.runtime.get(agent.id).run.whileStopping(async () => {
    const pane = await ctx.tmux.paneInfo(agent.tmuxSession);
    if (!pane || pane.paneDead || pane.panePid === null) return null;
    const outcome = await killProcessGroup(pane.panePid, { graceMs: ctx.stopGraceMs });
    const deadline = Date.now() + 2_000;
    for (;;) {
      const p = await ctx.tmux.paneInfo(agent.tmuxSession);
      if (!p || p.paneDead || Date.now() > deadline) {
        if (p?.paneDeadStatus != null) {
          await ctx.store.agents.update(agent.id, { exitCode: p.paneDeadStatus }, actor);
        }
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return outcome;
  });
}

/**
 * Before a death is judged: the agent's last stream lines (a headless run's result) and its
 * last screen, for a usage-limit message (resume later instead of counting a crash), the session
 * id an agent like codex prints as it exits, and the last words a crash report should quote.
 */
/** What reading an agent's last words may do: apply a status, schedule a usage-limit resume. */
export interface LastWordsSink extends SignalSink {
  armResume(agentId: string, at: number, persist: boolean): Promise<void>;
}

export async function readLastWords(
  ctx: SupervisorContext,
  lifecycle: LastWordsSink,
  agentId: string,
): Promise<void> {
  const agent = await ctx.store.agents.get(agentId);
  if (!agent) return;
  const rt = ctx.runtime.get(agentId);
  if (streams(ctx, agent)) await observeStream(ctx, lifecycle, agent, rt).catch(() => 0);
  let text: string;
  try {
    text = await ctx.tmux.capturePane(agent.tmuxSession, { lines: 60 });
  } catch {
    return;
  }
  rt.run.saidLast(
    text
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^Pane is dead/.test(l))
      .slice(-10)
      .join('\n'),
  );
  const adapter = adapterOf(ctx, agent);
  const sessionId = adapter.sessionIdFromPane?.(text) ?? null;
  if (sessionId && sessionId !== agent.sessionId) {
    await ctx.store.agents.update(agentId, { sessionId }, 'supervisor');
  }
  const at = adapter.detectUsageLimit(text, new Date(ctx.now()));
  if (at && at.getTime() > ctx.now()) await lifecycle.armResume(agentId, at.getTime(), true);
}
