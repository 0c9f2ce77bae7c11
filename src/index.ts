/**
 * Flotilla as a library: `import { createFlotilla } from 'flotilla'`. The same use cases the
 * daemon serves over HTTP, in-process (see src/core/flotilla.ts).
 */
export { createFlotilla, type Flotilla, type FlotillaOptions } from './core/flotilla.js';
export type { Agent, AgentStatus, PendingPermission } from './domain/agent.js';
export { FlotillaError } from './domain/errors.js';
export type { FlotillaEvent } from './domain/event.js';
export type { Repo } from './domain/repo.js';
export type { Task, TaskStatus } from './domain/task.js';
