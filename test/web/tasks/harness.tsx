/**
 * Test harness for the task board: realistic API answers and a fetch stand-in routed by method
 * and path (the only fake: the board, TanStack Query and the API client above it are real).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, waitFor } from '@testing-library/react';
import { vi } from 'vitest';
import type { AgentView, Repo, Task } from '../../../web/src/api/types.js';
import { TaskBoard } from '../../../web/src/views/tasks/TaskBoard.js';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
let clock = 0;

/** A task; each one is created a minute after the previous, so creation order is stable. */
export function task(overrides: Partial<Task> & { id: string }): Task {
  const at = new Date(T0 + 60_000 * clock++).toISOString();
  return {
    repoId: 'rep234',
    title: `Task ${overrides.id}`,
    prompt: '',
    priority: 'normal',
    status: 'todo',
    labels: [],
    dependsOn: [],
    externalRefs: [],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function repo(overrides: Partial<Repo> = {}): Repo {
  return {
    id: 'rep234',
    name: 'shop',
    path: '/src/shop',
    defaultBranch: 'main',
    createdAt: new Date(T0).toISOString(),
    ...overrides,
  };
}

export function agentView(overrides: Partial<AgentView> & { id: string; taskId: string }): AgentView {
  const { id } = overrides;
  return {
    repoId: 'rep234',
    adapter: 'claude-code',
    mode: 'interactive',
    status: 'working',
    statusSource: 'hook',
    statusSince: new Date(T0).toISOString(),
    worktreePath: `/home/u/.local/share/flotilla/worktrees/${id}`,
    branch: `flotilla/${overrides.taskId}-work`,
    tmuxSession: `flotilla-${id}`,
    sessionId: '5f0c7a9e-0000-4000-8000-000000000000',
    restartCount: 0,
    pid: 4242,
    exitCode: null,
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    removedAt: null,
    taskTitle: null,
    cpuPercent: 4,
    rssBytes: 200_000_000,
    resumeAt: null,
    cpuHistory: [],
    rssHistory: [],
    lastOutput: null,
    tmuxSocket: 'flotilla',
    ...overrides,
  };
}

/** One recorded request: method, path under /api/v1 (query included), parsed JSON body. */
export interface Call {
  method: string;
  path: string;
  body: unknown;
}

export type Answer = { status?: number; body: unknown };
type Handler = (call: Call) => Answer | Promise<Answer>;

/**
 * Stubs fetch. `routes` maps "METHOD /path" (without the query) to an answer or a function of
 * the call; an unknown route is a 404 in the API's error shape, so a forgotten route shows.
 */
export function stubApi(routes: Record<string, Answer | Handler>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const path = String(url).replace(/^\/api\/v1/, '');
    const method = init.method ?? 'GET';
    const call: Call = { method, path, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const route = routes[`${method} ${path.split('?')[0]}`];
    const answer = typeof route === 'function' ? await route(call) : route;
    const { status = 200, body } = answer ?? refusal(404, 'NOT_FOUND', `no route ${method} ${path}`);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

/** The API's refusal body. */
export function refusal(status: number, code: string, message: string, hint?: string): Answer {
  return { status, body: { error: { code, message, ...(hint ? { hint } : {}), issues: [] } } };
}

/** Renders the board at `url` against a stubbed API holding `tasks`, `agents` and `repos`. */
export function renderBoard(
  {
    tasks,
    agents = [],
    repos = [repo()],
    url = '/tasks',
  }: { tasks: Task[]; agents?: AgentView[]; repos?: Repo[]; url?: string },
  routes: Record<string, Answer | Handler> = {},
) {
  window.history.replaceState(null, '', url);
  const calls = stubApi({
    'GET /tasks': { body: { tasks, total: tasks.length } },
    'GET /agents': { body: { agents } },
    'GET /repos': { body: { repos } },
    ...routes,
  });
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } },
  });
  const view = render(
    <QueryClientProvider client={client}>
      <TaskBoard />
    </QueryClientProvider>,
  );
  return { calls, client, ...view };
}

/** The card of task `id`, once the board shows it. */
export function card(id: string): Promise<HTMLElement> {
  return waitFor(() => {
    const el = document.querySelector<HTMLElement>(`[data-testid="task-card"][data-task-id="${id}"]`);
    if (!el) throw new Error(`no card for task ${id}`);
    return el;
  });
}

/** The column of `status`. */
export function column(status: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="column-${status}"]`);
  if (!el) throw new Error(`no column ${status}`);
  return el;
}

/** Ids of the cards in a column, top to bottom. */
export function cardIds(status: string): string[] {
  return [...column(status).querySelectorAll<HTMLElement>('[data-testid="task-card"]')].map(
    (el) => el.dataset.taskId ?? '',
  );
}
