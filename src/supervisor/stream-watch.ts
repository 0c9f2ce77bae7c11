import { join } from 'node:path';
import type { StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import { adapterOf, agentDirOf, type SupervisorContext } from './context.js';
import { readCompleteLines } from './hook-file.js';
import type { Lifecycle } from './lifecycle.js';
import type { AgentRuntime } from './runtime.js';
import { addUsage, emptyUsage } from './usage.js';

/**
 * Headless agents that print machine-readable lines (Claude Code's stream-json) report their
 * status and token usage there. Those lines reach the pane log through pipe-pane; this reads
 * the log from where it left off. After a daemon restart the log is read again from the start
 * in one go: the usage totals are rebuilt and only the last status is applied, so no status
 * change is recorded twice.
 */

/** Whether the agent's status comes (also) from stream lines. */
export function streams(ctx: SupervisorContext, agent: Agent): boolean {
  const adapter = adapterOf(ctx, agent);
  return agent.mode === 'headless' && adapter.signals.stream && adapter.fromStreamLine !== undefined;
}

/** Reads the agent's new stream lines; returns how many were read. */
export async function observeStream(
  ctx: SupervisorContext,
  lifecycle: Lifecycle,
  agent: Agent,
  rt: AgentRuntime,
): Promise<number> {
  const adapter = adapterOf(ctx, agent);
  const parse = adapter.fromStreamLine;
  if (!parse) return 0;
  const file = join(agentDirOf(ctx.paths, agent.id), 'pane.log');
  const catchingUp = rt.streamOffset === null;
  let offset = rt.streamOffset ?? 0;
  let last: StatusSignal | null = null;
  let count = 0;
  let sessionId = agent.sessionId;
  for (;;) {
    const read = readCompleteLines(file, offset);
    if (read.reset) rt.usage = emptyUsage();
    offset = read.offset;
    if (read.lines.length === 0) break;
    for (const { text } of read.lines) {
      const line = text.replace(/\r$/, '').trim();
      if (!line.startsWith('{')) continue;
      const result = parse(line, new Date(ctx.now()));
      if (!result) continue;
      count++;
      if (result.usage) addUsage(rt.usage, result.usage);
      // Agents that choose their own session id (codex) say it here: it is what resume needs.
      if (result.sessionId && result.sessionId !== sessionId) {
        sessionId = result.sessionId;
        await ctx.store.agents.update(agent.id, { sessionId }, 'supervisor');
      }
      if (result.status) {
        if (catchingUp) last = result.status;
        else await lifecycle.applySignal(agent.id, result.status);
      }
    }
  }
  rt.streamOffset = offset;
  if (last) await lifecycle.applySignal(agent.id, last);
  if (count > 0) rt.lastActivityAt = ctx.now();
  return count;
}
