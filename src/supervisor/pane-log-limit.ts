import { statSync } from 'node:fs';
import { agentFile } from '../agents/agent-dir.js';
import type { Agent } from '../domain/agent.js';
import { type SupervisorContext, streams } from './context.js';
import type { Lifecycle } from './lifecycle.js';
import { type PaneLogRotation, rotatePaneLog } from './pane-log.js';
import type { AgentRuntime } from './runtime.js';
import { rotateStreamLog } from './stream-watch.js';

/**
 * The health tick's check on a live agent's pane log: one stat, and a rotation once the log is
 * past `limits.pane_log_max_mb`. A TUI redrawing its spinner writes megabytes an hour into it;
 * without this, an agent left to work for days fills the disk.
 */
export async function boundPaneLog(
  ctx: SupervisorContext,
  lifecycle: Lifecycle,
  agent: Agent,
  rt: AgentRuntime,
): Promise<PaneLogRotation | null> {
  const maxBytes = Math.floor(ctx.config.limits.pane_log_max_mb * 1024 * 1024);
  const file = agentFile(ctx.paths.agentsDir, agent.id, 'paneLog');
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return null;
  }
  if (size <= maxBytes) return null;
  try {
    // A streaming agent's lines are read up to the cut first, so no status or usage is lost.
    const rotation = streams(ctx, agent)
      ? await rotateStreamLog(ctx, lifecycle, agent, rt, maxBytes)
      : rotatePaneLog(file, maxBytes);
    if (rotation) {
      rt.health.clearWarning('pane-log');
      ctx.logger.info(
        { agentId: agent.id, bytes: rotation.cut, kept: rotation.cut - rotation.keptFrom },
        'pane log rotated',
      );
    }
    return rotation;
  } catch (err) {
    // Once per episode: a log that cannot be rotated would otherwise warn every second.
    if (rt.health.warnOnce('pane-log')) {
      ctx.logger.warn({ agentId: agent.id, err, file }, 'cannot rotate pane log');
    }
    return null;
  }
}
