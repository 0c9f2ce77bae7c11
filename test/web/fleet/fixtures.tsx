/**
 * Test fixtures for the fleet view: realistic API answers and a fetch stand-in that routes by
 * method and path (the component tests' only fake: everything above fetch is the real code).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import type { AgentView, Repo, Task } from '../../../web/src/api/types.js';

const T0 = '2026-11-25T10:00:00.000Z';

export function agentView(overrides: Partial<AgentView> = {}): AgentView {
  const id = overrides.id ?? 'abc234';
  return {
    id,
    taskId: 'tsk234',
    repoId: 'rep234',
    adapter: 'claude-code',
    mode: 'interactive',
    status: 'working',
    statusSource: 'hook',
    statusSince: new Date(Date.now() - 90_000).toISOString(),
    worktreePath: `/home/u/.local/share/flotilla/worktrees/${id}`,
    branch: `flotilla/tsk234-fix-the-login-redirect-${id}`,
    tmuxSession: `flotilla-${id}`,
    sessionId: '5f0c7a9e-0000-4000-8000-000000000000',
    restartCount: 2,
    pid: 4242,
    exitCode: null,
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

export function task(overrides: Partial<Task> = {}): Task {
  return {
    id: 'tsk234',
    repoId: 'rep234',
    title: 'Fix the login redirect',
    prompt: '',
    priority: 'normal',
    status: 'todo',
    labels: [],
    dependsOn: [],
    externalRefs: [],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** One recorded request: method, path (with query) under /api/v1, and the parsed JSON body. */
export interface Call {
  method: string;
  path: string;
  body: unknown;
}

type Answer = { status?: number; body: unknown };
type Handler = (call: Call) => Answer | undefined;

/**
 * Stubs fetch. `routes` maps "METHOD /path" (query included when the test cares) to an answer
 * or a function of the call; an unknown route is a 404 in the API's error shape, so a test that
 * forgets one sees a visible error rather than a hang.
 */
export function stubApi(routes: Record<string, Answer | Handler>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const path = String(url).replace(/^\/api\/v1/, '');
    const method = init.method ?? 'GET';
    const call: Call = { method, path, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const route = routes[`${method} ${path}`] ?? routes[`${method} ${path.split('?')[0]}`];
    const answer = typeof route === 'function' ? route(call) : route;
    const { status = 200, body } = answer ?? {
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: `no route ${method} ${path}` } },
    };
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

/** The API's refusal body. */
export function refusal(status: number, code: string, message: string, hint?: string): Answer {
  return { status, body: { error: { code, message, ...(hint ? { hint } : {}) } } };
}

export function renderWithQuery(ui: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } },
  });
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}
