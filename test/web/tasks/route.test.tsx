/**
 * The /tasks route: the board's code and lists are asked for before anything mounts when the
 * page opens on the board (main.tsx), and the route shows the board once its code is here.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { preloadTaskBoard, TaskBoardRoute } from '../../../web/src/views/tasks/TaskBoardRoute.js';
import { repo, stubApi, task, testQueryClient } from '../fixtures.js';
import { card } from './harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const routes = () => ({
  'GET /tasks': { body: { tasks: [task({ id: 'fix234', title: 'Fix login', status: 'todo' })], total: 1 } },
  'GET /agents': { body: { agents: [] } },
  'GET /repos': { body: { repos: [repo()] } },
});

describe('the /tasks route', () => {
  it('preloadTaskBoard asks for the tasks and repos at once, and the board then asks for them no more', async () => {
    window.history.replaceState(null, '', '/tasks');
    const { calls } = stubApi(routes());
    // Fresh for 30 s, as main.tsx's client keeps them (events refresh them).
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } });
    preloadTaskBoard(client);
    await waitFor(() => expect(calls.map((c) => c.path).sort()).toEqual(['/repos', '/tasks?limit=10000']));
    await waitFor(() => expect(client.getQueryData(['tasks'])).toHaveLength(1));
    render(
      <QueryClientProvider client={client}>
        <TaskBoardRoute />
      </QueryClientProvider>,
    );
    await card('fix234');
    expect(calls.filter((c) => c.path.startsWith('/tasks'))).toHaveLength(1);
    expect(calls.filter((c) => c.path === '/repos')).toHaveLength(1);
  });

  it('shows the board, its lists fetched on the way, without a preload', async () => {
    window.history.replaceState(null, '', '/tasks');
    const { calls } = stubApi(routes());
    render(
      <QueryClientProvider client={testQueryClient()}>
        <TaskBoardRoute />
      </QueryClientProvider>,
    );
    await card('fix234');
    expect(screen.getByRole('heading', { name: 'Tasks' })).toBeTruthy();
    expect(calls.filter((c) => c.path.startsWith('/tasks'))).toHaveLength(1);
  });
});
