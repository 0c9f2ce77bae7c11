/**
 * Test harness for the task board: the board rendered against a stubbed API (../fixtures.tsx),
 * and finders for its columns and cards.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render, waitFor } from '@testing-library/react';
import { vi } from 'vitest';
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

/** Whether a watched element is in view (inside its column's scroller and the window). */
export type InView = (el: Element) => boolean;

/**
 * An IntersectionObserver the test drives (happy-dom's never reports, and lays nothing out):
 * `inView` says what is on screen. As in a browser, an element reports once when watched, then
 * whenever the test scrolls. `scroll(inView)` reports what that one view would show, and
 * `setView` changes the view for good. Undo with vi.unstubAllGlobals().
 */
export function fakeViewport(initial: InView = () => false) {
  let view = initial;
  const observers = new Set<FakeObserver>();
  class FakeObserver {
    readonly targets = new Set<Element>();
    constructor(private readonly callback: IntersectionObserverCallback) {}
    observe(el: Element) {
      observers.add(this);
      this.targets.add(el);
      setTimeout(() => this.report(view, [el]), 0);
    }
    unobserve(el: Element) {
      this.targets.delete(el);
    }
    disconnect() {
      this.targets.clear();
      observers.delete(this);
    }
    takeRecords() {
      return [];
    }
    report(inView: InView, els: Element[] = [...this.targets]) {
      const entries = els
        .filter((el) => this.targets.has(el))
        .map((target) => ({ target, isIntersecting: inView(target) }) as IntersectionObserverEntry);
      if (entries.length > 0) this.callback(entries, this as unknown as IntersectionObserver);
    }
  }
  vi.stubGlobal('IntersectionObserver', FakeObserver);
  return {
    scroll(inView: InView) {
      for (const o of [...observers]) o.report(inView);
    },
    setView(inView: InView) {
      view = inView;
      for (const o of [...observers]) o.report(inView);
    },
  };
}
