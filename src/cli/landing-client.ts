import type { Landing, LandingState } from '../domain/landing.js';
import type { ReviewSummary } from '../domain/review.js';
import type { DispatchStatus } from '../domain/scheduler.js';
import type { Task } from '../domain/task.js';
import type { HttpClient } from './http-client.js';

const API = '/api/v1';

/** One task's place in its repo's landing queue, as `POST /land` answers. */
export interface QueuedLanding {
  landing: Landing;
  position: number;
  already: boolean;
}

/** The landing queue, review and the dispatcher, through the daemon's API (routes/landing.ts). */
export class LandingClient {
  constructor(private readonly http: HttpClient) {}

  land(tasks: string[]): Promise<{ queued: QueuedLanding[] }> {
    return this.http.request('POST', `${API}/land`, { tasks });
  }

  cancel(task: string): Promise<Landing> {
    return this.http.request('DELETE', `${API}/tasks/${encodeURIComponent(task)}/land`);
  }

  landings(
    filter: { repo?: string; task?: string; state?: LandingState[] } = {},
  ): Promise<{ landings: Landing[] }> {
    const q = new URLSearchParams();
    if (filter.repo) q.set('repo', filter.repo);
    if (filter.task) q.set('task', filter.task);
    for (const s of filter.state ?? []) q.append('state', s);
    const qs = q.toString();
    return this.http.request('GET', `${API}/landings${qs ? `?${qs}` : ''}`);
  }

  reviews(): Promise<{ reviews: ReviewSummary[] }> {
    return this.http.request('GET', `${API}/review`);
  }

  review(task: string): Promise<ReviewSummary> {
    return this.http.request('GET', `${API}/tasks/${encodeURIComponent(task)}/review`);
  }

  sendBack(task: string, message: string): Promise<Task> {
    return this.http.request('POST', `${API}/tasks/${encodeURIComponent(task)}/send-back`, { message });
  }

  discard(task: string, deleteBranch: boolean): Promise<Task> {
    return this.http.request('POST', `${API}/tasks/${encodeURIComponent(task)}/discard`, { deleteBranch });
  }

  scheduler(): Promise<DispatchStatus> {
    return this.http.request('GET', `${API}/scheduler`);
  }

  watch(repo: string | undefined, leaseId?: string): Promise<{ leaseId: string; ttlMs: number }> {
    return this.http.request('POST', `${API}/scheduler/watch`, {
      ...(repo ? { repo } : {}),
      ...(leaseId ? { leaseId } : {}),
    });
  }

  unwatch(leaseId: string): Promise<{ ok: true }> {
    return this.http.request('DELETE', `${API}/scheduler/watch/${encodeURIComponent(leaseId)}`);
  }
}
