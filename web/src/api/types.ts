/**
 * The API's shapes as the dashboard sees them, inferred from the very zod schemas the daemon
 * validates with. Type-only imports: none of zod or the server code reaches the bundle.
 */
import type { z } from 'zod';
import type {
  AgentListSchema,
  AgentRemoveSchema,
  AgentViewSchema,
  EventListSchema,
  LimitsSchema,
  RepoListSchema,
  TaskListSchema,
  UpResultSchema,
  WorktreeDiffSchema,
  WorktreeListSchema,
} from '../../../src/api/routes/schemas.js';
import type { ClientMessage, ServerMessage, StreamFilter } from '../../../src/api/stream/protocol.js';
import type { Agent, AgentStatus } from '../../../src/domain/agent.js';
import type { FlotillaEvent } from '../../../src/domain/event.js';
import type { Landing, LandingState, LandingStep } from '../../../src/domain/landing.js';
import type { Repo } from '../../../src/domain/repo.js';
import type { ReviewSummary } from '../../../src/domain/review.js';
import type {
  Task,
  TaskCreate,
  TaskPatchSchema,
  TaskPriority,
  TaskStatus,
} from '../../../src/domain/task.js';

export type {
  Agent,
  AgentStatus,
  ClientMessage,
  FlotillaEvent,
  Landing,
  LandingState,
  LandingStep,
  Repo,
  ReviewSummary,
  ServerMessage,
  StreamFilter,
  Task,
  TaskPriority,
  TaskStatus,
};

export type AgentView = z.infer<typeof AgentViewSchema>;
export type AgentList = z.infer<typeof AgentListSchema>;
export type AgentRemoveResult = z.infer<typeof AgentRemoveSchema>;
// Request bodies of routes whose modules pull in fastify are restated here (they are tiny);
// the API's contract tests hold the server to them.
export type AgentStartBody = { task: string; agent?: string; mode?: Agent['mode'] };
export type AgentSendBody = { text: string };
export type UpBody = { max?: number; repo?: string };
export type UpResult = z.infer<typeof UpResultSchema>;
/** `POST /agents/bulk/stop` and `/agents/bulk/remove` (routes/agents-bulk.ts): one refusal per agent not acted on. */
export type BulkFailure = { agentId: string; code: string; message: string; hint?: string };
export type StopAllResult = { stopped: Agent[]; failed: BulkFailure[] };
export type RemoveFinishedBody = { repo?: string; worktree?: boolean };
export type RemoveFinishedResult = { removed: AgentRemoveResult[]; failed: BulkFailure[] };
export type TaskList = z.infer<typeof TaskListSchema>;
export type TaskCreateBody = TaskCreate & { repoId: string };
export type TaskPatch = z.input<typeof TaskPatchSchema>;
export type RepoList = z.infer<typeof RepoListSchema>;
export type EventList = z.infer<typeof EventListSchema>;
export type WorktreeDiff = z.infer<typeof WorktreeDiffSchema>;
export type WorktreeList = z.infer<typeof WorktreeListSchema>;
export type Limits = z.infer<typeof LimitsSchema>;
/** One task's answer from `POST /land` (routes/landing.ts pulls in fastify, so restated here). */
export type LandQueued = { landing: Landing; position: number; already: boolean };

/** `GET /config`: the effective config (secrets redacted) and where each value came from. */
export interface ConfigView {
  config: Record<string, unknown>;
  rows: { path: string; value: unknown; text: string; origin: string | null; secret: boolean }[];
}
