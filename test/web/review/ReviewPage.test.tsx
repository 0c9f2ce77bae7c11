import { QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaEvent, Landing, ReviewSummary } from '../../../web/src/api/types.js';
import { createSync } from '../../../web/src/stream/sync.js';
import { ReviewPage } from '../../../web/src/views/review/ReviewPage.js';
import { type Routes, stubApi, T0, task, testQueryClient } from '../fixtures.js';

/**
 * The review page against a stubbed API: what it shows of a summary and a landing, that Land
 * and Discard send what the daemon expects (Discard only after asking), and that a landing
 * event on the stream (through the real sync) brings the page the landing's new step.
 */

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ID = 'tsk234';

function landing(overrides: Partial<Landing> = {}): Landing {
  return {
    id: 'lnd234',
    repoId: 'rep234',
    taskId: ID,
    state: 'queued',
    step: null,
    strategy: 'rebase',
    baseRef: 'main',
    branch: `flotilla/${ID}-x`,
    baseBefore: null,
    commit: null,
    failure: null,
    message: null,
    conflicts: [],
    verifyOutput: null,
    verifyExit: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function summary(overrides: Partial<ReviewSummary> = {}): ReviewSummary {
  return {
    task: task({ id: ID, title: 'Fix the parser', status: 'review' }),
    agentId: 'abc234',
    branch: `flotilla/${ID}-x`,
    baseRef: 'main',
    commits: [{ sha: 'a'.repeat(40), subject: 'parse nested lists', author: 'Agent', date: T0 }],
    ahead: 1,
    behind: 0,
    files: [{ path: 'src/parse.ts', insertions: 12, deletions: 3, binary: false }],
    totals: { files: 1, insertions: 12, deletions: 3 },
    lastMessage: 'Done: nested lists parse now.',
    landing: null,
    usage: { inputTokens: 1200, outputTokens: 300, costUsd: 0.42 },
    ...overrides,
  };
}

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
});
