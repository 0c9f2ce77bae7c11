/**
 * Flotilla's persistence layer: SQLite through kysely, versioned migrations, one module per
 * entity. Importing it does not load zod: input schemas live in `./schemas.js`, loaded by the
 * first write.
 */
export { type AgentCreate, type AgentListOptions, AgentStore, type AgentUpdate } from './agents.js';
export type { EventListener } from './context.js';
export type { DialectName, StoreDialect } from './dialect.js';
export { type EventQuery, EventStore } from './events.js';
export { migrate, migrateFile } from './migrate.js';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
export { type OpenStoreOptions, openStore, Store, type StoreModules, type StoreTransaction } from './open.js';
export { type RepoRegister, RepoStore } from './repos.js';
export type * from './schema.js';
export { DEFAULT_BUSY_TIMEOUT_MS } from './sqlite.js';
export {
  type HookEffect,
  type HookRecord,
  type PendingWakeup,
  type RestartRecord,
  type StatusWrite,
  type SupervisionState,
  SupervisionStore,
} from './supervision.js';
export { type TaskRemoveOptions, TaskStore } from './tasks.js';
export { type WorktreeCreate, type WorktreeListOptions, WorktreeStore } from './worktrees.js';
