/**
 * Fixtures every area's component tests share: realistic API records (an agent, a task, a repo),
 * a fetch stand-in that answers API paths with JSON, and a QueryClient set up for tests. The
 * stub is the component tests' only fake: the views, TanStack Query and the API client above
 * fetch are the real code. Area-specific helpers (the board's card finders, the agent page's
 * scripted WebSocket) stay in each area's harness.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import type { AgentView, Repo, Task } from '../../web/src/api/types.js';

/** The moment the fixtures' records were created. */
export const T0 = '2026-11-25T10:00:00.000Z';

/** An agent as `GET /agents` lists it: working on task tsk234 of repo rep234, with history. */
export function agentView(overrides: Partial<AgentView> = {}): AgentView {
  const id = overrides.id ?? 'abc234';
  const taskId = overrides.taskId ?? 'tsk234';
  return {
    id,
    taskId,
    repoId: 'rep234',
    adapter: 'claude-code',
    kind: 'claude-code',
    mode: 'interactive',
    status: 'working',
    statusSource: 'hook',
    statusSince: new Date(Date.now() - 90_000).toISOString(),
    worktreePath: `/home/u/.local/share/flotilla/worktrees/${id}`,
    branch: `flotilla/${taskId}-fix-the-login-redirect-${id}`,
    tmuxSession: `flotilla-${id}`,
    sessionId: '5f0c7a9e-0000-4000-8000-000000000000',
    restartCount: 2,
    pid: 4242,
    exitCode: null,
    statusDetail: null,
    lastMessage: null,
    pendingPermission: null,
    createdAt: T0,
    updatedAt: T0,
    removedAt: null,
    taskTitle: 'Fix the login redirect',
    cpuPercent: 12.4,
    rssBytes: 340_000_000,
    resumeAt: null,
    cpuHistory: [3, 8, 15, 12.4],
    rssHistory: [300_000_000, 320_000_000, 340_000_000],
    lastOutput: 'Running npm test -- login.spec.ts',
    tmuxSocket: 'flotilla',
    ...overrides,
  };
}

let created = 0;

/**
 * A task titled after its id; each one is created a minute after the previous, so the board's
 * creation order is the order a test builds them in.
 */
export function task(overrides: Partial<Task> = {}): Task {
  const id = overrides.id ?? 'tsk234';
  const at = new Date(Date.parse(T0) + 60_000 * created++).toISOString();
  return {
    id,
    repoId: 'rep234',
    title: `Task ${id}`,
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
    createdAt: T0,
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
/** Answers a call; undefined falls through to the 404. `url` is the whole URL, for its query. */
export type Handler = (call: Call, url: URL) => Answer | undefined | Promise<Answer | undefined>;
/**
 * Keyed by "METHOD /path?query" (when the query matters), "METHOD /path", or a bare "/path"
 * for any method; the first that matches answers.
 */
export type Routes = Record<string, Answer | Handler>;

/** The API's refusal body, as the daemon sends it. */
export function refusal(status: number, code: string, message: string, hint?: string): Answer {
  return { status, body: { error: { code, message, ...(hint ? { hint } : {}), issues: [] } } };
}

/**
 * Stubs fetch with `routes`. An unknown route is a 404 in the API's error shape, so a test that
 * forgets one sees a visible error rather than a hang. `calls` fills as requests arrive;
 * `fetchMock` lets a test await an answer the page is still reading.
 */
export function stubApi(routes: Routes) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const bare = url.pathname.replace(/^\/api\/v1/, '');
    const path = bare + url.search;
    const method = init.method ?? 'GET';
    const call: Call = { method, path, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const route = routes[`${method} ${path}`] ?? routes[`${method} ${bare}`] ?? routes[bare];
    const answer = typeof route === 'function' ? await route(call, url) : route;
    const { status = 200, body } = answer ?? refusal(404, 'NOT_FOUND', `no route ${method} ${path}`);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

/** A QueryClient that neither retries nor refetches on focus: a test sees each answer once. */
export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } },
  });
}

/** Renders `ui` inside a fresh test QueryClient. */
export function renderWithQuery(ui: ReactElement) {
  const client = testQueryClient();
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}
