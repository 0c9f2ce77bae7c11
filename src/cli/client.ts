import type { Repo } from '../domain/repo.js';
import type { Task, TaskCreate, TaskFilter, TaskPatch, TaskStatus } from '../domain/task.js';
import type { HttpClient } from './http-client.js';

const API = '/api/v1';

/**
 * What the CLI asks of Flotilla, answered by the daemon's API: the CLI has no side door into
 * the store. Types only are imported from the domain, so the CLI never loads zod at start-up.
 */
export class FlotillaClient {
  constructor(private readonly http: HttpClient) {}

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
}
