import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlotillaEvent, Task } from '../../../web/src/api/types.js';
import { ReviewCount } from '../../../web/src/components/ReviewLink.js';
import { createSync } from '../../../web/src/stream/sync.js';
import { AgentPage } from '../../../web/src/views/agent/AgentPage.js';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { configView, renderWithStream } from '../agent/harness.js';
import { agentView, renderWithQuery, repo, stubApi, T0, task } from '../fixtures.js';

/**
 * The ways to landing: the Review nav entry's count of tasks in review, kept current by the
 * stream (real sync), and "Review & land →" on the fleet card of an agent whose task is in
 * review, and only there.
 */

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const IN_REVIEW = 'GET /tasks?status=review&limit=10000';
const inReview = (tasks: Task[]) => ({ body: { tasks, total: tasks.length } });

describe('review count and links', () => {
  it('counts the tasks in review and follows a task moving in through the stream', async () => {
    let tasks = [task({ id: 'tskone', status: 'review' })];
    stubApi({ [IN_REVIEW]: () => inReview(tasks) });
    const { client } = renderWithQuery(<ReviewCount />);
    await waitFor(() => expect(screen.getByTestId('review-count').textContent).toBe('1 waiting'));

    tasks = [...tasks, task({ id: 'tsktwo', status: 'review' })];
    const sync = createSync(client);
    const moved: FlotillaEvent = {
      id: 3,
      ts: T0,
      type: 'task.moved',
      actor: 'daemon',
      repoId: 'rep234',
      taskId: 'tsktwo',
      agentId: null,
      data: { from: 'in_progress', to: 'review' },
    } as FlotillaEvent;
    act(() => sync.apply(moved));
    await waitFor(() => expect(screen.getByTestId('review-count').textContent).toBe('2 waiting'));

    tasks = [];
    act(() => sync.apply({ ...moved, id: 4, data: { from: 'review', to: 'done' } } as FlotillaEvent));
    await waitFor(() => expect(screen.queryByTestId('review-count')).toBeNull());
    sync.dispose();
  });

  it('puts "Review & land →" on the card of an agent whose task is in review, and only there', async () => {
    stubApi({
      'GET /agents': {
        body: {
          agents: [
            agentView({ id: 'abc234', taskId: 'tskrev', status: 'idle' }),
            agentView({ id: 'def234', taskId: 'tskwip', taskTitle: 'Still going' }),
          ],
        },
      },
      'GET /repos': { body: { repos: [repo()] } },
      [IN_REVIEW]: inReview([task({ id: 'tskrev', status: 'review' })]),
    });
    renderWithQuery(<FleetView />);
    const card = (id: string) =>
      waitFor(() => {
        const el = document.querySelector<HTMLElement>(`[data-testid="agent-card"][data-agent-id="${id}"]`);
        if (!el) throw new Error(`no card for ${id}`);
        return el;
      });
    const link = await waitFor(async () =>
      within(await card('abc234')).getByRole('link', { name: 'Review & land Fix the login redirect' }),
    );
    expect(link.getAttribute('href')).toBe('/review/tskrev');
    expect(link.textContent).toBe('Review & land →');
    expect(within(await card('def234')).queryByRole('link', { name: /Review & land/ })).toBeNull();
  });

  it('puts "Review & land →" in the agent page header while its task is in review', async () => {
    const agent = agentView({ status: 'idle' });
    stubApi({
      '/agents': { body: { agents: [agent] } },
      '/config': { body: configView(false) },
      '/events': { body: { events: [], lastId: null } },
      [`/worktrees/${agent.taskId}/diff`]: { body: { base: 'a1b2c3d4e5f6a7b8', files: [], diff: '' } },
      [IN_REVIEW]: inReview([task({ id: agent.taskId, status: 'review' })]),
    });
    renderWithStream(<AgentPage id={agent.id} />);
    await screen.findByRole('heading', { level: 1, name: 'Fix the login redirect' });
    const header = document.querySelector<HTMLElement>('.agent-header');
    if (!header) throw new Error('no agent header');
    const link = await within(header).findByRole('link', { name: 'Review & land →' });
    expect(link.getAttribute('href')).toBe(`/review/${agent.taskId}`);
  });
});
