import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Task } from '../../../web/src/api/types.js';
import { type Answer, agentView, refusal, task } from '../fixtures.js';
import { card, cardIds, column, renderBoard } from './harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A promise the test resolves itself, to hold a request open while it looks at the page. */
function gate<T>() {
  let open: (value: T) => void = () => {};
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('Move to…', () => {
  it('moves the card at once, POSTs the move, and keeps it there when the daemon agrees', async () => {
    const user = userEvent.setup();
    const fix = task({ id: 'fix234', title: 'Fix login', status: 'todo' });
    const answer = gate<Answer>();
    const { calls } = renderBoard({ tasks: [fix] }, { 'POST /tasks/fix234/move': () => answer.promise });
    const el = await card('fix234');
    await user.selectOptions(within(el).getByRole('combobox', { name: 'Move Fix login to' }), 'review');
    // Optimistic: in review before the daemon answered.
    await waitFor(() => expect(cardIds('review')).toEqual(['fix234']));
    expect(cardIds('todo')).toEqual([]);
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      { method: 'POST', path: '/tasks/fix234/move', body: { status: 'review' } },
    ]);
    // Focus stays on the card's Move list, now in its new column.
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(column('review')).getByRole('combobox', { name: 'Move Fix login to' }),
      ),
    );
    answer.open({ body: { ...fix, status: 'review' } satisfies Task });
    await waitFor(() => expect(screen.getByText('Moved “Fix login” to Review.')).toBeTruthy());
    expect(cardIds('review')).toEqual(['fix234']);
    expect(screen.getByRole('alert').textContent).toBe('');
  });

  it('a refusal puts the card back and shows the daemon’s message in the alert region', async () => {
    const user = userEvent.setup();
    const answer = gate<Answer>();
    renderBoard(
      { tasks: [task({ id: 'fix234', title: 'Fix login', status: 'todo' })] },
      { 'POST /tasks/fix234/move': () => answer.promise },
    );
    const el = await card('fix234');
    await user.selectOptions(within(el).getByRole('combobox', { name: 'Move Fix login to' }), 'done');
    await waitFor(() => expect(cardIds('done')).toEqual(['fix234']));
    answer.open(refusal(409, 'CONFLICT', 'task fix234 has a live agent', 'stop it first'));
    await waitFor(() => expect(cardIds('todo')).toEqual(['fix234']));
    expect(cardIds('done')).toEqual([]);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(
      'Could not move “Fix login” to Done: task fix234 has a live agent (stop it first)',
    );
    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(alert.textContent).toBe('');
  });

  it('offers every other status, cancelled included, and not the current one', async () => {
    renderBoard({ tasks: [task({ id: 'fix234', title: 'Fix login', status: 'review' })] });
    const select = within(await card('fix234')).getByRole('combobox', { name: 'Move Fix login to' });
    const values = [...select.querySelectorAll('option')].map((o) => o.value);
    expect(values).toEqual(['', 'backlog', 'todo', 'in_progress', 'done', 'failed', 'cancelled']);
  });
});

describe('Start', () => {
  it('POSTs /agents with the task, then shows the new agent on the card', async () => {
    const user = userEvent.setup();
    const started = agentView({ id: 'agt567', taskId: 'fix234', status: 'starting' });
    let agents: ReturnType<typeof agentView>[] = [];
    const { calls } = renderBoard(
      { tasks: [task({ id: 'fix234', title: 'Fix login', status: 'todo' })] },
      {
        'GET /agents': () => ({ body: { agents } }),
        'POST /agents': () => {
          agents = [started];
          return { status: 201, body: started };
        },
      },
    );
    const el = await card('fix234');
    await user.click(within(el).getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/agents')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ task: 'fix234' });
    const link = await within(el).findByRole('link', { name: 'agent agt567' });
    expect(link.getAttribute('href')).toBe('/agents/agt567');
    expect(within(el).queryByRole('button', { name: 'Start' })).toBeNull();
  });

  it('shows the daemon’s refusal (the concurrency limit) on the card, and Start can be tried again', async () => {
    const user = userEvent.setup();
    renderBoard(
      {
        tasks: [
          task({ id: 'fix234', title: 'Fix login', status: 'todo' }),
          task({ id: 'oth234', title: 'Other', status: 'todo' }),
        ],
      },
      {
        'POST /agents': refusal(
          409,
          'LIMIT_REACHED',
          '4 agents are running, the limit is 4',
          'raise limits.max_agents',
        ),
      },
    );
    const el = await card('fix234');
    await user.click(within(el).getByRole('button', { name: 'Start' }));
    const alert = await within(el).findByRole('alert');
    expect(alert.textContent).toContain('4 agents are running, the limit is 4');
    expect(alert.textContent).toContain('raise limits.max_agents');
    // Only that card says so.
    expect(within(await card('oth234')).queryByRole('alert')).toBeNull();
    expect((within(el).getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('keyboard drag', () => {
  it('Space on the handle picks the card up, the arrows choose a column, Space drops it there', async () => {
    const user = userEvent.setup();
    const fix = task({ id: 'fix234', title: 'Fix login', status: 'todo' });
    const { calls } = renderBoard(
      { tasks: [fix] },
      { 'POST /tasks/fix234/move': (call) => ({ body: { ...fix, ...(call.body as object) } }) },
    );
    const handle = within(await card('fix234')).getByRole('button', { name: 'Drag Fix login' });
    expect(handle.getAttribute('aria-roledescription')).toBe('draggable');
    // The instructions it points to say how, and name the alternative.
    const help = document.getElementById(handle.getAttribute('aria-describedby') ?? '');
    expect(help?.textContent).toContain('arrow keys');
    handle.focus();
    // dnd-kit listens for the next keys only after a tick: press as a person would, not at once.
    const press = async (key: string) => {
      await user.keyboard(key);
      await new Promise((r) => setTimeout(r, 20));
    };
    await press('[Space]');
    // Announced (the pick-up line is replaced at once by where the card is).
    await waitFor(() => expect(document.body.textContent).toContain('Fix login is over To do.'));
    await press('[ArrowRight]');
    await press('[ArrowRight]');
    await press('[Space]');
    await waitFor(() => expect(cardIds('review')).toEqual(['fix234']));
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      { method: 'POST', path: '/tasks/fix234/move', body: { status: 'review' } },
    ]);
    await waitFor(() => expect(document.body.textContent).toContain('Fix login dropped in Review.'));
    // Focus follows the card to its new column.
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(column('review')).getByRole('button', { name: 'Drag Fix login' }),
      ),
    );
  });
});
