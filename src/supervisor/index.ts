export type { SupervisorLogger, SupervisorOptions } from './context.js';
export type { TickStats } from './health.js';
export type { HealthReport } from './health-events.js';
export { canTransition, isLive, TRANSITIONS } from './machine.js';
export type { ResourceSample } from './procfs.js';
export type { ReconcileReport } from './reconcile.js';
export { decideRestart, type RestartConfig, type RestartDecision } from './restart.js';
export {
  type AgentResources,
  type RemoveOptions,
  type RemoveOutcome,
  type StartOptions,
  Supervisor,
  type WhenFree,
  type WorktreeHolder,
} from './supervisor.js';
