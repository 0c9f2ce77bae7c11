import { act, cleanup, fireEvent, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaEvent, Landing, ReviewSummary } from '../../../web/src/api/types.js';
import { createSync } from '../../../web/src/stream/sync.js';
import { ReviewList } from '../../../web/src/views/review/ReviewList.js';
import { renderWithQuery, stubApi, T0, task } from '../fixtures.js';
import { landing, summary } from './harness.js';

/**
 * The review list against a stubbed API: each row's size in words, its Land button (disabled
 * with the reason when there is nothing to land), and a landing started from a row followed
 * live through the real stream sync, the row staying once its task has left review.
 */

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const row = (id: string) =>
  waitFor(() => {
    const el = document.querySelector<HTMLElement>(`.review-item[data-task="${id}"]`);
    if (!el) throw new Error(`no row for ${id}`);
    return el;
  });

function event(type: FlotillaEvent['type'], taskId: string, data: Record<string, unknown>): FlotillaEvent {
  return {
    id: 9,
    ts: T0,
    type,
    actor: 'daemon',
    repoId: 'rep234',
    taskId,
    agentId: null,
    data,
  } as FlotillaEvent;
}

describe('review list', () => {
  it('says 1 commit and 1 file in the singular, and more in the plural', async () => {
    stubApi({
      'GET /review': {
        body: {
          reviews: [
            summary({}, 'tskone'),
            summary(
              {
                task: task({ id: 'tsktwo', title: 'Two', status: 'review' }),
                ahead: 2,
                totals: { files: 3, insertions: 4, deletions: 5 },
              },
              'tsktwo',
            ),
          ],
        },
      },
    });
    renderWithQuery(<ReviewList />);
    expect((await row('tskone')).textContent).toContain('1 commit, 1 file +12 −3');
    expect((await row('tsktwo')).textContent).toContain('2 commits, 3 files +4 −5');
  });

  it('disables a row’s Land, with the reason, when its branch has no commits', async () => {
    stubApi({
      'GET /review': {
        body: {
          reviews: [summary({ ahead: 0, commits: [], totals: { files: 0, insertions: 0, deletions: 0 } })],
        },
      },
    });
    renderWithQuery(<ReviewList />);
    const land = within(await row('tsk234')).getByRole('button', { name: 'Land Fix the parser' });
    expect(land).toHaveProperty('disabled', true);
    expect(document.getElementById(land.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'no commits to land yet',
    );
  });

  it('Land on a row queues that task and the row follows the landing live, to landed', async () => {
    let reviews: ReviewSummary[] = [summary({}, 'tskone'), summary({}, 'tsktwo')];
    let landings: Landing[] = [];
    const { calls } = stubApi({
      'GET /review': () => ({ body: { reviews } }),
      'GET /landings?task=tsktwo': () => ({ body: { landings } }),
      'POST /land': () => {
        landings = [landing({ taskId: 'tsktwo' })];
        return { body: { queued: [{ landing: landings[0], position: 1, already: false }] } };
      },
    });
    const { client } = renderWithQuery(<ReviewList />);
    const two = await row('tsktwo');
    fireEvent.click(within(two).getByRole('button', { name: 'Land Fix the parser' }));
    await waitFor(() => expect(within(two).getByTestId('landing-state').textContent).toBe('queued'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ tasks: ['tsktwo'] });
    // The other row neither lands nor reads landings.
    expect(within(await row('tskone')).queryByTestId('landing')).toBeNull();
    expect(calls.some((c) => c.path === '/landings?task=tskone')).toBe(false);

    const sync = createSync(client);
    landings = [landing({ taskId: 'tsktwo', state: 'running', step: 'verify' })];
    act(() => sync.apply(event('landing.step', 'tsktwo', { landingId: 'lnd234', step: 'verify' })));
    await waitFor(() =>
      expect(within(two).getByTestId('landing').getAttribute('data-state')).toBe('running'),
    );
    expect(within(two).getByRole('listitem', { current: 'step' }).textContent).toContain('verify');
    expect(within(two).getByRole('button', { name: 'Landing… Fix the parser' })).toHaveProperty(
      'disabled',
      true,
    );

    // Landed: the task is done and leaves GET /review; its row stays with the outcome.
    landings = [landing({ taskId: 'tsktwo', state: 'landed', step: 'finish', commit: 'c'.repeat(40) })];
    reviews = [summary({}, 'tskone')];
    act(() => sync.apply(event('landing.landed', 'tsktwo', { landingId: 'lnd234' })));
    await waitFor(async () =>
      expect((await row('tsktwo')).querySelector('[data-testid="landing"]')?.getAttribute('data-state')).toBe(
        'landed',
      ),
    );
    const gone = await row('tsktwo');
    expect(gone.textContent).toContain('No longer waiting for review.');
    expect(within(gone).queryByRole('button', { name: /Land/ })).toBeNull();
    sync.dispose();
  });
});
