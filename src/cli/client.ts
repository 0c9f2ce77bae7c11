import type { AgentView } from '../domain/agent-view.js';
import type { ConflictList } from '../domain/conflicts.js';
import type { ConversationPage } from '../domain/conversation.js';
import type { FlotillaEvent } from '../domain/event.js';
import type { Repo } from '../domain/repo.js';
import type { MemoryHeadroom } from '../domain/scheduler.js';
import type { Task, TaskCreate, TaskFilter, TaskPatch, TaskStatus } from '../domain/task.js';
import type { HttpClient } from './http-client.js';
import { LandingClient } from './landing-client.js';

const API = '/api/v1';
/** Starting runs git and the repo's setup command (e.g. npm ci), which may take minutes. */
const START_TIMEOUT_MS = 15 * 60_000;

/**
 * What the CLI asks of Flotilla, answered by the daemon's API: the CLI has no side door into
 * the store. Types only are imported from the domain, so the CLI never loads zod at start-up.
 */
export class FlotillaClient {
  constructor(private readonly http: HttpClient) {}

  /** The landing queue, review and the dispatcher (landing-client.ts). */
  get landing(): LandingClient {
    return new LandingClient(this.http);
  }

  /** A single-use dashboard sign-in link (`POST /login-codes`). */
  loginLink(): Promise<{ url: string; expiresAt: string; ttlSeconds: number }> {
    return this.http.request('POST', `${API}/login-codes`);
  }

  async repoForPath(path: string | null): Promise<Repo> {
    if (path === null) {
      const { FlotillaError } = await import('../domain/errors.js');
      throw new FlotillaError('NOT_A_GIT_REPO', 'this directory is not inside a git repository', {
        hint: 'cd into a repo registered with `flotilla init`, or pass -C <repo>',
      });
    }
    const { repos } = await this.http.request<{ repos: Repo[] }>(
      'GET',
      `${API}/repos?path=${encodeURIComponent(path)}`,
    );
    return repos[0] as Repo;
  }

  async listRepos(): Promise<Repo[]> {
    return (await this.http.request<{ repos: Repo[] }>('GET', `${API}/repos`)).repos;
  }

  registerRepo(path: string, name?: string): Promise<{ repo: Repo; created: boolean }> {
    return this.http.request('POST', `${API}/repos`, { path, ...(name === undefined ? {} : { name }) });
  }

  createTask(repoId: string, input: TaskCreate): Promise<Task> {
    return this.http.request('POST', `${API}/tasks`, { repoId, ...input });
  }

  listTasks(filter: TaskFilter): Promise<{ tasks: Task[]; total: number }> {
    const q = new URLSearchParams();
    for (const s of filter.status ?? []) q.append('status', s);
    for (const l of filter.label ?? []) q.append('label', l);
    for (const p of filter.priority ?? []) q.append('priority', p);
    if (filter.repoId) q.set('repo', filter.repoId);
    if (filter.limit !== undefined) q.set('limit', String(filter.limit));
    if (filter.offset !== undefined) q.set('offset', String(filter.offset));
    const qs = q.toString();
    return this.http.request('GET', `${API}/tasks${qs ? `?${qs}` : ''}`);
  }

  getTask(idOrPrefix: string): Promise<Task> {
    return this.http.request('GET', `${API}/tasks/${encodeURIComponent(idOrPrefix)}`);
  }

  updateTask(idOrPrefix: string, patch: TaskPatch): Promise<Task> {
    return this.http.request('PATCH', `${API}/tasks/${encodeURIComponent(idOrPrefix)}`, patch);
  }

  moveTask(idOrPrefix: string, status: TaskStatus): Promise<Task> {
    return this.http.request('POST', `${API}/tasks/${encodeURIComponent(idOrPrefix)}/move`, { status });
  }

  removeTask(idOrPrefix: string, options: { force: boolean }): Promise<Task> {
    return this.http.request(
      'DELETE',
      `${API}/tasks/${encodeURIComponent(idOrPrefix)}?force=${options.force}`,
    );
  }

  listAgents(all: boolean): Promise<{ agents: AgentView[] }> {
    return this.http.request('GET', `${API}/agents${all ? '?all=true' : ''}`);
  }

  getAgent(id: string): Promise<AgentView> {
    return this.http.request('GET', `${API}/agents/${encodeURIComponent(id)}`);
  }

  startAgent(body: {
    task: string;
    agent?: string;
    mode?: string;
    force?: boolean;
    reuseBranch?: boolean;
  }): Promise<AgentView> {
    return this.http.request('POST', `${API}/agents`, body, { timeoutMs: START_TIMEOUT_MS });
  }

  up(body: { max?: number; repo?: string }): Promise<UpResponse> {
    return this.http.request('POST', `${API}/up`, body, { timeoutMs: START_TIMEOUT_MS });
  }

  agentAction(id: string, action: 'stop' | 'restart'): Promise<AgentView> {
    return this.http.request('POST', `${API}/agents/${encodeURIComponent(id)}/${action}`, {});
  }

  /** Answers the agent's permission dialog; the answer names the option confirmed. */
  answer(
    id: string,
    body: { decision: 'approve'; always?: boolean } | { decision: 'deny'; message?: string },
  ): Promise<AgentView & { answered: string }> {
    const { decision, ...rest } = body;
    return this.http.request('POST', `${API}/agents/${encodeURIComponent(id)}/${decision}`, rest);
  }

  /** Answers the agent's question (its ask_user tool), or sends a waiting agent the text. */
  answerQuestion(id: string, text: string): Promise<AgentView & { answered: 'question' | 'message' }> {
    return this.http.request('POST', `${API}/agents/${encodeURIComponent(id)}/answer`, { text });
  }

  send(id: string, text: string): Promise<{ ok: boolean }> {
    return this.http.request('POST', `${API}/agents/${encodeURIComponent(id)}/send`, { text });
  }

  removeAgent(id: string, options: { force: boolean; worktree: boolean }): Promise<unknown> {
    return this.http.request(
      'DELETE',
      `${API}/agents/${encodeURIComponent(id)}?force=${options.force}&worktree=${options.worktree}`,
    );
  }

  /** A page of the agent's conversation: after a seq, or the last `limit` entries. */
  conversation(id: string, query: { after?: number; limit?: number }): Promise<ConversationPage> {
    const q = new URLSearchParams();
    if (query.after !== undefined) q.set('after', String(query.after));
    if (query.limit !== undefined) q.set('limit', String(query.limit));
    return this.http.request('GET', `${API}/agents/${encodeURIComponent(id)}/conversation?${q.toString()}`);
  }

  logs(id: string, lines: number, raw: boolean): Promise<{ text: string }> {
    return this.http.request('GET', `${API}/agents/${encodeURIComponent(id)}/logs?lines=${lines}&raw=${raw}`);
  }

  events(query: Record<string, string>): Promise<{ events: FlotillaEvent[]; lastId: number | null }> {
    return this.http.request('GET', `${API}/events?${new URLSearchParams(query).toString()}`);
  }

  listWorktrees(all: boolean): Promise<{ worktrees: WorktreeRow[] }> {
    return this.http.request('GET', `${API}/worktrees${all ? '?all=true' : ''}`);
  }

  cleanWorktrees(body: { merged?: boolean; force?: boolean; dryRun?: boolean }): Promise<CleanResponse> {
    return this.http.request('POST', `${API}/worktrees/clean`, body);
  }

  pruneWorktrees(): Promise<{
    repos: {
      repo: string;
      pruned: { path: string; branch: string | null; reason: string | null }[];
      lockedStale: { path: string; branch: string | null }[];
    }[];
  }> {
    return this.http.request('POST', `${API}/worktrees/prune`, {});
  }

  /** Conflict prediction across live work, computed for this request (`GET /conflicts?fresh=true`). */
  conflicts(repo?: string): Promise<ConflictList> {
    const query = new URLSearchParams({ fresh: 'true', ...(repo === undefined ? {} : { repo }) });
    return this.http.request('GET', `${API}/conflicts?${query.toString()}`);
  }
}

/** What `POST /up` answers. */
export interface UpResponse {
  started: AgentView[];
  skipped: {
    taskId: string;
    title: string;
    reason: string;
    code?: string;
    blockedBy?: { id: string; title: string; status: string }[];
  }[];
  running: number;
  limit: number;
  memory?: MemoryHeadroom;
}

/** One row of `GET /worktrees`. */
export interface WorktreeRow {
  id: string;
  taskId: string;
  path: string;
  branch: string;
  baseRef: string;
  portBase: number;
  removedAt: string | null;
  agentId: string | null;
  status: {
    dirty: boolean;
    untracked: number;
    modified: number;
    ahead: number;
    behind: number;
    diffStat: { files: number; insertions: number; deletions: number };
    exists: boolean;
  } | null;
}

/** What `POST /worktrees/clean` answers. */
export interface CleanResponse {
  removed: { path: string; branch: string; branchDeleted: boolean; discarded: string[] }[];
  refused: { path: string; branch: string; reason: string }[];
  skipped: { path: string; branch: string; reason: string }[];
  dryRun: boolean;
}
