/**
 * The closed value sets of the domain, as plain constants. Kept free of zod so the CLI can
 * import them without paying for the schema library at start-up; the schemas in task.ts and
 * agent.ts are built from these same arrays.
 */

export const TASK_STATUSES = [
  'backlog',
  'todo',
  'in_progress',
  'review',
  'done',
  'failed',
  'cancelled',
] as const;

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** Higher runs first when the scheduler picks ready tasks. */
export const PRIORITY_RANK: Record<(typeof TASK_PRIORITIES)[number], number> = {
  low: 0,
  normal: 1,
  high: 2,
  urgent: 3,
};

/** Statuses from which a task never moves again by itself. */
export const TERMINAL_TASK_STATUSES: readonly (typeof TASK_STATUSES)[number][] = [
  'done',
  'failed',
  'cancelled',
];

export const AGENT_STATUSES = [
  'starting',
  'working',
  'needs_input',
  'needs_permission',
  'idle',
  'rate_limited',
  'exited',
  'stopped',
  'crashed',
  'restarting',
] as const;

/**
 * Statuses of an agent that is on its task: its process is expected to be alive, or (only
 * `rate_limited`, a headless run that gave up on a limit) to be relaunched by Flotilla at the reset.
 */
export const LIVE_AGENT_STATUSES: readonly (typeof AGENT_STATUSES)[number][] = [
  'starting',
  'working',
  'needs_input',
  'needs_permission',
  'idle',
  'rate_limited',
];

/** Statuses in which an agent waits for the user; `idle` (finished its turn, asked nothing) is not one. */
export const WAITING_AGENT_STATUSES: readonly (typeof AGENT_STATUSES)[number][] = [
  'needs_permission',
  'needs_input',
];

/** Display order of agents by status (CLI watch, fleet): waiting, busy, idle, ended. */
export const AGENT_STATUS_RANK: Readonly<Record<(typeof AGENT_STATUSES)[number], number>> = {
  needs_permission: 0,
  needs_input: 0,
  working: 1,
  starting: 1,
  restarting: 1,
  rate_limited: 1,
  idle: 2,
  crashed: 3,
  exited: 3,
  stopped: 3,
};

export const AGENT_MODES = ['interactive', 'headless'] as const;

/** Id alphabet (no look-alikes: 0/o, 1/l/i) and length; ids.ts builds its schemas from these. */
export const ID_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const ID_LENGTH = 6;

/** Every agent adapter kind, built-in agents first (a config entry's `adapter`). */
export const ADAPTER_KINDS = ['claude-code', 'codex', 'gemini', 'aider', 'custom'] as const;

/** Log severity names, least severe first (pino's levels 10…60). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
