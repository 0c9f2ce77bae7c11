import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COLUMN_PAGE } from '../../../web/src/views/tasks/TaskColumn.js';
import { agentView, repo, task } from '../fixtures.js';
import { card, cardIds, column, renderBoard } from './harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('TaskBoard columns', () => {
  it('shows the six columns in order, each with its name and count, cards by priority then age', async () => {
    renderBoard({
      tasks: [
        task({ id: 'old234', title: 'Old normal', status: 'todo' }),
        task({ id: 'low234', title: 'Low one', status: 'todo', priority: 'low' }),
        task({ id: 'new234', title: 'New normal', status: 'todo' }),
        task({ id: 'urg234', title: 'Urgent one', status: 'todo', priority: 'urgent' }),
        task({ id: 'bkl234', title: 'Someday', status: 'backlog' }),
        task({ id: 'rev234', title: 'Review me', status: 'review' }),
        task({ id: 'can234', title: 'Dropped', status: 'cancelled' }),
      ],
    });
    await card('old234');
    const sections = [...document.querySelectorAll<HTMLElement>('[data-testid^="column-"]')];
    expect(sections.map((s) => s.dataset.status)).toEqual([
      'backlog',
      'todo',
      'in_progress',
      'review',
      'done',
      'failed',
    ]);
    expect(within(column('todo')).getByRole('heading', { name: 'To do 4 tasks' })).toBeTruthy();
    expect(within(column('backlog')).getByRole('heading', { name: 'Backlog 1 task' })).toBeTruthy();
    expect(within(column('in_progress')).getByRole('heading', { name: 'In progress 0 tasks' })).toBeTruthy();
    expect(cardIds('todo')).toEqual(['urg234', 'old234', 'new234', 'low234']);
    // Cancelled tasks are hidden until asked for.
    expect(document.querySelector('[data-task-id="can234"]')).toBeNull();
    expect(screen.getByText('6 tasks')).toBeTruthy();
  });

  it('shows cancelled tasks in their own column behind the toggle', async () => {
    const user = userEvent.setup();
    renderBoard({ tasks: [task({ id: 'can234', title: 'Dropped', status: 'cancelled' })] });
    const toggle = await screen.findByRole('checkbox', { name: 'Show cancelled (1)' });
    expect(document.querySelector('[data-testid="column-cancelled"]')).toBeNull();
    await user.click(toggle);
    expect(await card('can234')).toBeTruthy();
    expect(cardIds('cancelled')).toEqual(['can234']);
    expect(window.location.search).toBe('?cancelled=1');
  });

  it('a card shows priority, labels, its dependencies and what blocks it; Start waits for them', async () => {
    renderBoard({
      tasks: [
        task({ id: 'sch234', title: 'Add the schema', status: 'done' }),
        task({ id: 'api234', title: 'Write the API', status: 'in_progress' }),
        task({
          id: 'ui2345',
          title: 'Build the UI',
          priority: 'urgent',
          labels: ['ui', 'area/web'],
          dependsOn: ['sch234', 'api234', 'gone23'],
        }),
      ],
    });
    const el = await card('ui2345');
    const c = within(el);
    // Not by colour alone: the word, a mark, and (for screen readers) what the word is.
    expect(el.querySelector('.prio-urgent')?.textContent).toBe('Priority: ‼ urgent');
    const labels = c.getByRole('list', { name: 'Labels' });
    expect(
      within(labels)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['ui', 'area/web']);
    const deps = c.getByRole('list', { name: 'Dependencies' });
    expect(
      within(deps)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['after: Add the schema ✓ (done)', 'after: Write the API', 'after: gone23']);
    // The done dependency does not block; the unfinished and the unknown one do.
    const blocked = c.getByText(/blocked by 2/);
    expect(blocked.textContent).toContain('blocked by 2: Write the API, gone23');
    const start = c.getByRole('button', { name: 'Start' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    expect(start.getAttribute('aria-describedby')).toBe(blocked.id);
  });

  it('a card shows the agent working on it, linked to its page, and offers no Start', async () => {
    renderBoard({
      tasks: [task({ id: 'wrk234', title: 'Being done', status: 'todo' })],
      agents: [
        agentView({
          id: 'old567',
          taskId: 'wrk234',
          status: 'crashed',
          createdAt: '2026-11-24T00:00:00.000Z',
        }),
        agentView({ id: 'agt567', taskId: 'wrk234', status: 'needs_permission' }),
      ],
    });
    const el = await card('wrk234');
    const link = await within(el).findByRole('link', { name: 'agent agt567' });
    expect(link.getAttribute('href')).toBe('/agents/agt567');
    expect(within(el).getByText('needs permission')).toBeTruthy();
    expect(within(el).queryByRole('button', { name: 'Start' })).toBeNull();
  });

  it('a failed task without a live agent offers Retry instead of Start', async () => {
    renderBoard({ tasks: [task({ id: 'fal234', status: 'failed' })] });
    const c = within(await card('fal234'));
    expect(c.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(c.queryByRole('button', { name: 'Start' })).toBeNull();
  });
});

describe('TaskBoard empty states', () => {
  it('no tasks: explains flotilla task add and offers to create one', async () => {
    const user = userEvent.setup();
    renderBoard({ tasks: [] });
    const empty = await screen.findByRole('region', { name: 'No tasks yet' });
    expect(empty.textContent).toContain('flotilla task add');
    await user.click(within(empty).getByRole('button', { name: 'Add a first task' }));
    expect(await screen.findByRole('textbox', { name: 'Title' })).toBeTruthy();
    // The board keeps its columns (and drop targets) even when empty.
    expect(column('todo')).toBeTruthy();
  });

  it('no repos: says to run flotilla init, and the create dialog says so too', async () => {
    const user = userEvent.setup();
    renderBoard({ tasks: [], repos: [] });
    const empty = await screen.findByRole('region', { name: 'No repository yet' });
    expect(empty.textContent).toContain('flotilla init');
    await user.click(screen.getByRole('button', { name: 'New task' }));
    const dialog = await screen.findByRole('dialog', { name: 'New task' });
    await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toContain('flotilla init'));
    expect((within(dialog).getByRole('button', { name: 'Create task' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('no repo list needed for a single repo: the create dialog has no repo select', async () => {
    const user = userEvent.setup();
    renderBoard({ tasks: [task({ id: 'one234' })], repos: [repo()] });
    await card('one234');
    await user.click(screen.getByRole('button', { name: 'New task' }));
    const dialog = await screen.findByRole('dialog', { name: 'New task' });
    expect(within(dialog).queryByRole('combobox', { name: 'Repository' })).toBeNull();
  });
});

describe('TaskBoard at scale', () => {
  it('renders 1,000 tasks with their column counts', async () => {
    const statuses = ['backlog', 'todo', 'in_progress', 'review', 'done', 'failed'] as const;
    const many = Array.from({ length: 1_000 }, (_, i) =>
      task({
        id: `t${String(i).padStart(5, '0')}`,
        title: `Task number ${i}`,
        status: statuses[i % statuses.length],
        labels: [`area/${i % 7}`],
        dependsOn: i > 0 ? [`t${String(i - 1).padStart(5, '0')}`] : [],
      }),
    );
    // No IntersectionObserver: each column builds its whole page at once (the window that
    // grows as a column scrolls is tested in window.test.tsx).
    vi.stubGlobal('IntersectionObserver', undefined);
    renderBoard({ tasks: many });
    await card('t00005');
    // Each column renders its first COLUMN_PAGE cards; the counts still say how many there are.
    expect(document.querySelectorAll('[data-testid="task-card"]')).toHaveLength(6 * COLUMN_PAGE);
    expect(column('backlog').querySelector('h2')?.textContent).toBe('Backlog 167 tasks');
    expect(column('failed').querySelector('h2')?.textContent).toBe('Failed 166 tasks');
    expect(screen.getByText('1000 tasks')).toBeTruthy();
    const more = within(column('failed')).getByRole('button', { name: /^Show \d+ more of 106$/ });
    fireEvent.click(more);
    await card('t00995');
    expect(column('failed').querySelectorAll('[data-testid="task-card"]')).toHaveLength(166);
    // Each card resolved its dependency's title from the list, without a request of its own.
    expect(document.querySelector('[data-task-id="t00995"] .dep')?.textContent).toMatch(
      /^after: Task number 994\b/,
    );
  });
});
