import { initial } from './001-initial.js';
import { eventsTsIndex } from './002-events-ts-index.js';
import { agentSupervision } from './003-agent-supervision.js';
import { agentStatusFacts } from './004-agent-status-facts.js';
import { agentWorktreeId } from './005-agent-worktree-id.js';
import { landings } from './006-landings.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/** Every migration, in order; entry i has version i + 1. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  eventsTsIndex,
  agentSupervision,
  agentStatusFacts,
  agentWorktreeId,
  landings,
];

/** The schema version this Flotilla writes and understands. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
