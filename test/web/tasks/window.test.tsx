/**
 * Columns build the cards near the view and the next ones as their end comes near
 * (useCardWindow): a first load of 1,000 tasks builds a few dozen cards, not 360.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COLUMN_PAGE } from '../../../web/src/views/tasks/TaskColumn.js';
import { CARD_WINDOW } from '../../../web/src/views/tasks/useCardWindow.js';
import { task } from '../fixtures.js';
import { card, cardIds, column, fakeViewport, renderBoard } from './harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const STATUSES = ['backlog', 'todo', 'in_progress', 'review', 'done', 'failed'] as const;
/** 1,000 tasks over the six columns (167 or 166 each), ids in board order within a column. */
const many = () =>
  Array.from({ length: 1_000 }, (_, i) =>
    task({ id: `t${String(i).padStart(5, '0')}`, title: `Task number ${i}`, status: STATUSES[i % 6] }),
  );
const cards = () => document.querySelectorAll('[data-testid="task-card"]');

describe('a column’s card window', () => {
  it('a first load of 1,000 tasks builds the first cards of each column; the counts still say all', async () => {
    fakeViewport();
    renderBoard({ tasks: many() });
    await card('t00005');
    for (const status of STATUSES) expect(cardIds(status)).toHaveLength(CARD_WINDOW);
    expect(cards()).toHaveLength(6 * CARD_WINDOW);
    expect(cardIds('failed')[0]).toBe('t00005');
    expect(column('failed').querySelector('h2')?.textContent).toBe('Failed 166 tasks');
    expect(screen.getByText('1000 tasks')).toBeTruthy();
    // "Show more" waits below the page's last card, not under the window's.
    expect(within(column('failed')).queryByRole('button', { name: /^Show / })).toBeNull();
  });

  it('builds the next cards as the column’s end scrolls near, up to its page, then the button', async () => {
    const viewport = fakeViewport();
    const failed = Array.from({ length: 166 }, (_, i) =>
      task({ id: `f${String(i).padStart(5, '0')}`, title: `Failed ${i}`, status: 'failed' }),
    );
    const backlog = Array.from({ length: 2 * CARD_WINDOW }, (_, i) =>
      task({ id: `b${String(i).padStart(5, '0')}`, title: `Later ${i}`, status: 'backlog' }),
    );
    renderBoard({ tasks: [...failed, ...backlog] });
    await card('f00000');
    expect(cardIds('failed')).toEqual(failed.slice(0, CARD_WINDOW).map((t) => t.id));

    // One scroll near the end of Failed: its next CARD_WINDOW cards, none elsewhere.
    viewport.scroll((el) => column('failed').contains(el));
    await waitFor(() => expect(cardIds('failed')).toHaveLength(2 * CARD_WINDOW));
    expect(cardIds('failed')).toEqual(failed.slice(0, 2 * CARD_WINDOW).map((t) => t.id));
    expect(cardIds('backlog')).toHaveLength(CARD_WINDOW);
    expect(within(column('failed')).queryByRole('button', { name: /^Show / })).toBeNull();

    // Kept at the end: the whole page (step by step), then the button for the rest, which
    // builds them all at once, as it says.
    viewport.setView((el) => column('failed').contains(el));
    const more = await within(column('failed')).findByRole(
      'button',
      { name: 'Show 106 more of 106' },
      { timeout: 10_000 },
    );
    expect(cardIds('failed')).toHaveLength(COLUMN_PAGE);
    fireEvent.click(more);
    await waitFor(() => expect(cardIds('failed')).toHaveLength(166), { timeout: 10_000 });
    expect(within(column('failed')).queryByRole('button', { name: /^Show / })).toBeNull();
    expect(cardIds('backlog')).toHaveLength(CARD_WINDOW);
  });

  it('a card moved far down a column is built there, and keeps focus', async () => {
    fakeViewport();
    const user = userEvent.setup();
    const busy = Array.from({ length: 3 * CARD_WINDOW }, (_, i) =>
      task({
        id: `u${String(i).padStart(5, '0')}`,
        title: `Urgent ${i}`,
        status: 'todo',
        priority: 'urgent',
      }),
    );
    const late = task({ id: 'low234', title: 'Low one', status: 'backlog', priority: 'low' });
    renderBoard(
      { tasks: [...busy, late] },
      { 'POST /tasks/low234/move': { body: { ...late, status: 'todo' } } },
    );
    await user.selectOptions(
      within(await card('low234')).getByRole('combobox', { name: 'Move Low one to' }),
      'todo',
    );
    // Last in To do by priority, far past the window, yet there, with its Move list focused.
    await waitFor(() => expect(cardIds('todo').at(-1)).toBe('low234'));
    expect(cardIds('todo')).toHaveLength(busy.length + 1);
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(column('todo')).getByRole('combobox', { name: 'Move Low one to' }),
      ),
    );
  });
});
