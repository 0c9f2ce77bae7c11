import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFilters, writeFilters } from '../../../web/src/views/tasks/useBoardFilters.js';
import { task } from '../fixtures.js';
import { card, renderBoard } from './harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const tasks = () => [
  task({ id: 'log234', title: 'Fix login redirect', labels: ['auth', 'bug'], priority: 'high' }),
  task({ id: 'out234', title: 'Fix logout', labels: ['auth'], priority: 'low', status: 'backlog' }),
  task({ id: 'drk234', title: 'Dark mode', labels: ['ui'], priority: 'urgent', status: 'review' }),
  task({ id: 'doc234', title: 'Write docs', priority: 'normal', status: 'done' }),
];

const shownIds = () =>
  [...document.querySelectorAll<HTMLElement>('[data-testid="task-card"]')]
    .map((el) => el.dataset.taskId)
    .sort();

describe('board filters', () => {
  it('read from the URL on load: ?label=auth&priority=high shows only matching cards', async () => {
    renderBoard({ tasks: tasks(), url: '/tasks?label=auth&priority=high' });
    await card('log234');
    expect(shownIds()).toEqual(['log234']);
    expect((screen.getByRole('combobox', { name: 'Label' }) as HTMLSelectElement).value).toBe('auth');
    expect((screen.getByRole('checkbox', { name: 'high' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('Showing 1 of 4 tasks')).toBeTruthy();
  });

  it('narrow the cards as they change and write themselves to the URL', async () => {
    const user = userEvent.setup();
    renderBoard({ tasks: tasks() });
    await card('drk234');
    expect(shownIds()).toEqual(['doc234', 'drk234', 'log234', 'out234']);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Label' }), 'auth');
    await waitFor(() => expect(shownIds()).toEqual(['log234', 'out234']));
    expect(window.location.search).toBe('?label=auth');

    await user.click(screen.getByRole('checkbox', { name: 'low' }));
    await user.click(screen.getByRole('checkbox', { name: 'urgent' }));
    await waitFor(() => expect(shownIds()).toEqual(['out234']));
    expect(new URLSearchParams(window.location.search).getAll('priority')).toEqual(['low', 'urgent']);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'fix LOG');
    await waitFor(() => expect(shownIds()).toEqual(['log234', 'out234']));
    expect(window.location.search).toBe('?q=fix+LOG');
    // Counts follow the filters.
    expect(within(screen.getByTestId('column-review')).getByRole('heading').textContent).toBe(
      'Review 0 tasks',
    );
  });

  it('say so when nothing matches, with a way out', async () => {
    const user = userEvent.setup();
    renderBoard({ tasks: tasks(), url: '/tasks?q=nothing-like-this' });
    const none = await screen.findByText('No task matches these filters.', { exact: false });
    expect(shownIds()).toEqual([]);
    await user.click(within(none).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(shownIds()).toHaveLength(4));
    expect(window.location.search).toBe('');
  });

  it('parse priorities repeated or comma separated, ignore unknown ones, and round-trip', () => {
    const f = readFilters(new URLSearchParams('priority=urgent,bogus&priority=low&label=ui&q=x&cancelled=1'));
    expect(f).toEqual({ label: 'ui', priorities: ['low', 'urgent'], query: 'x', showCancelled: true });
    expect(writeFilters(f).toString()).toBe('label=ui&priority=low&priority=urgent&q=x&cancelled=1');
  });
});
