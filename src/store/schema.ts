import type { Generated } from 'kysely';
import type { AgentMode, AgentStatus, StatusSource } from '../domain/agent.js';
import type { EventType, StoredActor } from '../domain/event.js';
import type { TaskPriority, TaskStatus } from '../domain/task.js';

/*
 * Row shapes of the current schema, as kysely sees them. Columns are snake_case, timestamps are
 * ISO-8601 strings, JSON columns are TEXT (portable to PostgreSQL, where they may become jsonb).
 * Migrations must not import these types: they describe the latest schema only.
 */

/** `repos`: git repositories registered with `flotilla init`. */
export interface ReposTable {
  id: string;
  name: string;
  path: string;
  default_branch: string;
  created_at: string;
}

/** `tasks`: units of work. `labels` and `external_refs` hold JSON arrays. */
export interface TasksTable {
  id: string;
  repo_id: string;
  title: string;
  prompt: string;
  priority: TaskPriority;
  status: TaskStatus;
  labels: string;
  external_refs: string;
  created_at: string;
  updated_at: string;
}

/** `task_dependencies`: `task_id` cannot be ready before `depends_on_id` is done. */
export interface TaskDependenciesTable {
  task_id: string;
  depends_on_id: string;
}

/**
 * `agents`: one row per agent instance; `removed_at` set by `agent rm` (rows are kept for history).
 * `worktree_id` is the agent's worktree (migration 5): its path and branch live on that row only.
 */
export interface AgentsTable {
  id: string;
  task_id: string;
  repo_id: string;
  worktree_id: string;
  adapter: string;
  mode: AgentMode;
  status: AgentStatus;
  status_source: StatusSource;
  status_since: string;
  tmux_session: string;
  session_id: string | null;
  restart_count: number;
  pid: number | null;
  exit_code: number | null;
  status_detail: string | null;
  last_message: string | null;
  /** JSON of a PendingPermission. */
  pending_permission: string | null;
  created_at: string;
  updated_at: string;
  removed_at: string | null;
}

/** `worktrees`: git worktrees made for tasks; `removed_at` set once the directory is gone. */
export interface WorktreesTable {
  id: string;
  repo_id: string;
  task_id: string;
  path: string;
  branch: string;
  base_ref: string;
  base_commit: string;
  port_base: number;
  created_at: string;
  removed_at: string | null;
}

/** `events`: the append-only audit trail. No foreign keys: events outlive what they describe. */
export interface EventsTable {
  id: Generated<number>;
  ts: string;
  type: EventType;
  actor: StoredActor;
  repo_id: string | null;
  task_id: string | null;
  agent_id: string | null;
  data: string;
}

/**
 * `agent_supervision`: the supervisor's memory of one agent across daemon restarts. `restarts`
 * holds a JSON array of epoch-ms restart times (the intensity window).
 */
export interface AgentSupervisionTable {
  agent_id: string;
  hook_offset: number;
  resume_at: string | null;
  restart_at: string | null;
  restarts: string;
  updated_at: string;
}

/** `landings`: the landing queue (migration 6); `conflicts` holds a JSON array of ConflictFile. */
export interface LandingsTable {
  id: string;
  repo_id: string;
  task_id: string;
  state: string;
  step: string | null;
  strategy: string;
  base_ref: string;
  branch: string;
  base_before: string | null;
  commit_sha: string | null;
  failure: string | null;
  message: string | null;
  conflicts: string;
  verify_output: string | null;
  verify_exit: number | null;
  created_at: string;
  updated_at: string;
}

/** The whole database, for `Kysely<Database>`. */
export interface Database {
  repos: ReposTable;
  tasks: TasksTable;
  task_dependencies: TaskDependenciesTable;
  agents: AgentsTable;
  worktrees: WorktreesTable;
  events: EventsTable;
  agent_supervision: AgentSupervisionTable;
  landings: LandingsTable;
}
