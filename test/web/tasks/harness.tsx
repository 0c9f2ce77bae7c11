/**
 * Test harness for the task board: the board rendered against a stubbed API (../fixtures.tsx),
 * and finders for its columns and cards.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render, waitFor } from '@testing-library/react';
import type { AgentView, Repo, Task } from '../../../web/src/api/types.js';
import { TaskBoard } from '../../../web/src/views/tasks/TaskBoard.js';
import { type Routes, repo, stubApi, testQueryClient } from '../fixtures.js';

/** Renders the board at `url` against a stubbed API holding `tasks`, `agents` and `repos`. */
export function renderBoard(
  {
    tasks,
    agents = [],
    repos = [repo()],
    url = '/tasks',
  }: { tasks: Task[]; agents?: AgentView[]; repos?: Repo[]; url?: string },
  routes: Routes = {},
) {
  window.history.replaceState(null, '', url);
  const { calls } = stubApi({
    'GET /tasks': { body: { tasks, total: tasks.length } },
    'GET /agents': { body: { agents } },
    'GET /repos': { body: { repos } },
    ...routes,
  });
  const client = testQueryClient();
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
