import { QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaEvent, Landing } from '../../../web/src/api/types.js';
import { createSync } from '../../../web/src/stream/sync.js';
import { ReviewPage } from '../../../web/src/views/review/ReviewPage.js';
import { agentView, type Routes, stubApi, T0, task, testQueryClient } from '../fixtures.js';
import { ID, landing, summary } from './harness.js';

/**
 * The review page against a stubbed API: what it shows of a summary and a landing, that Land
 * and Discard send what the daemon expects (Discard only after asking), and that a landing
 * event on the stream (through the real sync) brings the page the landing's new step.
 */

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderPage(routes: Routes) {
  const api = stubApi({
    [`/worktrees/${ID}/diff`]: { body: { base: 'b'.repeat(40), files: [], diff: '' } },
    ...routes,
  });
  const client = testQueryClient();
  render(
    <QueryClientProvider client={client}>
      <ReviewPage taskId={ID} />
    </QueryClientProvider>,
  );
  return { ...api, client };
}

describe('review page', () => {
  it('shows the commits, files, last message and a failed landing with its hunks and verify output', async () => {
    const failed = landing({
      state: 'failed',
      failure: 'conflict',
      message: 'src/parse.ts conflicts with main',
      conflicts: [{ path: 'src/parse.ts', hunks: ['<<<<<<< main\nold\n=======\nnew\n>>>>>>> task'] }],
      verifyOutput: 'FAIL parse.spec.ts',
      verifyExit: 1,
    });
    renderPage({
      [`/tasks/${ID}/review`]: { body: summary({ landing: failed }) },
      [`GET /landings?task=${ID}`]: { body: { landings: [failed] } },
    });
    await screen.findByText('parse nested lists');
    expect(screen.getByTestId('review-files').textContent).toContain('src/parse.ts');
    expect(screen.getByText('Done: nested lists parse now.')).toBeTruthy();
    const panel = screen.getByTestId('landing');
    expect(panel.getAttribute('data-state')).toBe('failed');
    expect(panel.textContent).toContain('conflict: src/parse.ts conflicts with main');
    expect(panel.textContent).toContain('>>>>>>> task');
    expect(panel.textContent).toContain('FAIL parse.spec.ts');
  });

  it('Land posts the task, and a landing event on the stream brings the new step', async () => {
    let landings: Landing[] = [];
    const { calls, client } = renderPage({
      [`/tasks/${ID}/review`]: { body: summary() },
      [`GET /landings?task=${ID}`]: () => ({ body: { landings } }),
      'POST /land': () => {
        landings = [landing()];
        return { body: { queued: [{ landing: landings[0], position: 1, already: false }] } };
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Land' }));
    await waitFor(() => expect(screen.getByTestId('landing-state').textContent).toBe('queued'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ tasks: [ID] });

    landings = [landing({ state: 'running', step: 'verify' })];
    const event: FlotillaEvent = {
      id: 7,
      ts: T0,
      type: 'landing.step',
      actor: 'daemon',
      repoId: 'rep234',
      taskId: ID,
      agentId: null,
      data: { landingId: 'lnd234', step: 'verify' },
    };
    const sync = createSync(client);
    act(() => sync.apply(event));
    await waitFor(() => expect(screen.getByTestId('landing').getAttribute('data-state')).toBe('running'));
    expect(screen.getByRole('listitem', { current: 'step' }).textContent).toContain('verify');
    expect(screen.getByRole('button', { name: 'Landing…' })).toHaveProperty('disabled', true);
    sync.dispose();
  });

  it('Discard asks first and keeps the branch unless the box is ticked', async () => {
    const { calls } = renderPage({
      [`/tasks/${ID}/review`]: { body: summary() },
      [`GET /landings?task=${ID}`]: { body: { landings: [] } },
      [`POST /tasks/${ID}/discard`]: { body: task({ id: ID, status: 'cancelled' }) },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Discard…' }));
    const dialog = await screen.findByRole('dialog', { hidden: true });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    const box = within(dialog).getByRole('checkbox', { name: 'Also delete the branch', hidden: true });
    expect(box).toHaveProperty('checked', false);
    fireEvent.click(box);
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Discard and delete the branch', hidden: true }),
    );
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ deleteBranch: true }));
  });

  it('Land is disabled with the reason when no agent has worked on the task, and Start starts one', async () => {
    const { calls } = renderPage({
      [`/tasks/${ID}/review`]: {
        body: summary({
          task: task({ id: ID, title: 'Fix the parser', status: 'todo' }),
          agentId: null,
          branch: null,
          baseRef: null,
          commits: [],
          ahead: 0,
          files: [],
          totals: { files: 0, insertions: 0, deletions: 0 },
        }),
      },
      [`GET /landings?task=${ID}`]: { body: { landings: [] } },
      'POST /agents': { body: agentView({ taskId: ID }) },
    });
    const land = await screen.findByRole('button', { name: 'Land' });
    expect(land).toHaveProperty('disabled', true);
    expect(land.getAttribute('aria-describedby')).toBeTruthy();
    const reason = document.getElementById(land.getAttribute('aria-describedby') ?? '');
    expect(reason?.textContent).toBe('no agent has worked on it yet');
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST' && c.path === '/agents')?.body).toEqual({ task: ID }),
    );
    expect(calls.some((c) => c.path === '/land')).toBe(false);
  });

  it('Land is disabled with the reason when the branch has no commits ahead, and offers no Start', async () => {
    renderPage({
      [`/tasks/${ID}/review`]: {
        body: summary({
          commits: [],
          ahead: 0,
          files: [],
          totals: { files: 0, insertions: 0, deletions: 0 },
        }),
      },
      [`GET /landings?task=${ID}`]: { body: { landings: [] } },
    });
    const land = await screen.findByRole('button', { name: 'Land' });
    expect(land).toHaveProperty('disabled', true);
    expect(document.getElementById(land.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'no commits to land yet',
    );
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
  });

  it('Land is enabled, with no reason, when the branch has commits', async () => {
    renderPage({
      [`/tasks/${ID}/review`]: { body: summary() },
      [`GET /landings?task=${ID}`]: { body: { landings: [] } },
    });
    const land = await screen.findByRole('button', { name: 'Land' });
    expect(land).toHaveProperty('disabled', false);
    expect(land.getAttribute('aria-describedby')).toBeNull();
    expect(screen.queryByText(/no commits to land yet|no agent has worked/)).toBeNull();
  });
});
