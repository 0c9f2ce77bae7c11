import type { Agent } from '../domain/agent.js';
import type { FlotillaEvent } from '../domain/event.js';
import type { SupervisorContext } from './context.js';

/** What an `agent.health` event says. `final` marks an agent the supervisor has given up on. */
export interface HealthReport {
  /** Which check: start-slow, stuck, cpu, memory, restart, usage-limit. */
  check: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  /** What was done about it: warn, stop, restart. */
  action?: string;
  final?: boolean;
  [key: string]: unknown;
}

/** Appends an `agent.health` event (the store hands it on to the bus and the notifiers). */
export function healthEvent(
  ctx: Pick<SupervisorContext, 'store' | 'logger'>,
  agent: Pick<Agent, 'id' | 'repoId' | 'taskId'>,
  report: HealthReport,
): Promise<FlotillaEvent> {
  const log =
    report.level === 'error' ? ctx.logger.error : report.level === 'warn' ? ctx.logger.warn : ctx.logger.info;
  log.call(ctx.logger, { agentId: agent.id, check: report.check }, report.message);
  return ctx.store.events.append({
    type: 'agent.health',
    actor: 'supervisor',
    repoId: agent.repoId,
    taskId: agent.taskId,
    agentId: agent.id,
    data: report,
  });
}
