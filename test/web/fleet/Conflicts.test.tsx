import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConflictList } from '../../../src/domain/conflicts.js';
import { AgentPage } from '../../../web/src/views/agent/AgentPage.js';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { configView, renderWithStream } from '../agent/harness.js';
import { agentView, renderWithQuery, repo, stubApi } from '../fixtures.js';

/**
 * Conflict prediction on the dashboard: a badge on both cards of a pair ("conflicts with …" when
 * a merge would conflict, "overlaps with …" when they only share files), none on a card that
 * shares nothing, and on the agent page each shared file with the lines from that agent's side.
 */
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const a = agentView({ id: 'aaa234', taskId: 'tka234', taskTitle: 'Fix login' });
const b = agentView({ id: 'bbb234', taskId: 'tkb234', taskTitle: 'Rework login' });
const c = agentView({ id: 'ccc234', taskId: 'tkc234', taskTitle: 'Docs' });
const d = agentView({ id: 'ddd234', taskId: 'tkd234', taskTitle: 'Logout' });
const side = (x: typeof a) => ({ agentId: x.id, taskId: x.taskId, branch: x.branch });

const prediction: ConflictList = {
  repos: [
    {
      repoId: 'rep234',
      repo: 'shop',
      baseBranch: 'main',
      baseCommit: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
      computedAt: new Date().toISOString(),
      agents: [a, b, c, d].map((x) => ({ ...side(x), dirty: false, files: 1 })),
      pairs: [
        {
          a: side(a),
          b: side(b),
          files: [
            { path: 'src/login.ts', overlappingHunks: [{ a: [10, 12], b: [11, 11] }], conflicts: true },
          ],
          conflicts: true,
        },
        {
          a: side(b),
          b: side(d),
          files: [{ path: 'src/session.ts', overlappingHunks: [], conflicts: false }],
          conflicts: false,
        },
      ],
      errors: [],
    },
  ],
};

const card = (id: string) => screen.getAllByTestId('agent-card').find((el) => el.dataset.agentId === id);

describe('conflict badges on the fleet', () => {
  it('shows the pair on both cards, says conflict or overlap, and nothing on a card that shares no work', async () => {
    stubApi({
      'GET /agents': { body: { agents: [a, b, c, d] } },
      'GET /repos': { body: { repos: [repo()] } },
      'GET /conflicts': { body: prediction },
    });
    renderWithQuery(<FleetView />);
    await waitFor(() => expect(screen.getAllByTestId('conflict-badges')).toHaveLength(3));
    const badges = (id: string) =>
      within(card(id) as HTMLElement)
        .queryAllByRole('listitem')
        .map((li) => li.textContent);
    expect(badges(a.id)).toEqual(['⚠ conflicts with bbb234']);
    // b meets both: the conflict first.
    expect(badges(b.id)).toEqual(['⚠ conflicts with aaa234', '≈ overlaps with ddd234']);
    expect(badges(d.id)).toEqual(['≈ overlaps with bbb234']);
    expect(within(card(c.id) as HTMLElement).queryByTestId('conflict-badges')).toBeNull();
  });
});

describe('conflicts on the agent page', () => {
  it("lists the other agent, the file, and the overlapping lines from this agent's side", async () => {
    stubApi({
      '/agents': { body: { agents: [a, b, c, d] } },
      '/config': { body: configView(false) },
      '/events': { body: { events: [], lastId: null } },
      [`/worktrees/${b.taskId}/diff`]: { body: { base: 'a1b2c3d4e5f6a7b8', files: [], diff: '' } },
      'GET /conflicts': { body: prediction },
    });
    renderWithStream(<AgentPage id={b.id} />);
    const panel = await screen.findByTestId('conflict-panel');
    await waitFor(() => expect(within(panel).getAllByRole('listitem').length).toBeGreaterThan(0));
    const pairs = within(panel)
      .getAllByRole('listitem')
      .filter((li) => li.classList.contains('conflict-pair'));
    expect(pairs.map((p) => p.querySelector('.conflict-pair-head')?.textContent)).toEqual([
      `Would conflict with aaa234 ${a.branch}`,
      `Overlaps with ddd234 ${d.branch}`,
    ]);
    // b is side `b` of the a/b pair: its lines (11) come first.
    expect(pairs[0]?.querySelector('.conflict-file')?.textContent).toBe(
      'src/login.ts conflict lines 11 ↔ 10–12',
    );
    expect(pairs[1]?.querySelector('.conflict-file')?.textContent).toBe(
      'src/session.ts overlap same file, different lines',
    );
    expect(within(panel).getByRole('link', { name: 'aaa234' }).getAttribute('href')).toBe('/agents/aaa234');
  });

  it('says so when no other agent changes the same files', async () => {
    stubApi({
      '/agents': { body: { agents: [c] } },
      '/config': { body: configView(false) },
      '/events': { body: { events: [], lastId: null } },
      [`/worktrees/${c.taskId}/diff`]: { body: { base: 'a1b2c3d4e5f6a7b8', files: [], diff: '' } },
      'GET /conflicts': { body: prediction },
    });
    renderWithStream(<AgentPage id={c.id} />);
    const panel = await screen.findByTestId('conflict-panel');
    expect(panel.textContent).toContain('No other live agent changes the files this one does.');
  });
});
