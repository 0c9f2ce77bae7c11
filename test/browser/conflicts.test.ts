import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  describeInBrowser,
  errorText,
  openView,
  screenshot,
  useBrowserWorld,
  waitFor,
} from '../helpers/browser.js';

/**
 * Two agents that edit the same line: the dashboard shows it before either finishes — a
 * "conflicts with …" badge on both fleet cards, and the file with its lines on each agent's page.
 * Real processes: the `flotilla` binary and its daemon (its conflict prediction runs real git in
 * the two worktrees), tmux, git, Claude Code in its TUI (edits accepted, Bash allowed), the
 * scripted model and Chromium; all inside one loopback-only network namespace.
 */

/** Writes line 2 of shared.txt, commits, then holds its last answer back: still working meanwhile. */
const editLine2 = (name: string, text: string) => ({
  name,
  steps: [
    // Through Bash: Claude Code's Write refuses a file it has not read first.
    simStep.bash(`printf 'l1\\n${text}\\nl3\\n' > shared.txt`, 'Edit line 2'),
    simStep.commitAll(`${name} edits line 2`),
    simStep.slow(60_000, simStep.text('Done.')),
  ],
});

await describeInBrowser('conflict prediction', () => {
  const ids: Record<'left' | 'right', string> = { left: '', right: '' };
  const world = useBrowserWorld({
    script: { conversations: [editLine2('left', 'LEFT'), editLine2('right', 'RIGHT')] },
    config: { agent: 'claude-auto' },
    prepare: async (w) => {
      writeFileSync(join(w.sb.repo, 'shared.txt'), 'l1\nl2\nl3\n');
      w.sb.git(['add', 'shared.txt']);
      w.sb.git(['commit', '-qm', 'a file both agents will edit']);
      for (const side of ['left', 'right'] as const) {
        const task = await w.addTask(`Edit line 2 (${side})`, `[[sim:${side}]] change line 2 of shared.txt`);
        ids[side] = (await w.json<{ id: string }>(['start', task.id])).id;
      }
    },
    timeoutMs: 90_000,
  });

  it('shows the conflict on both cards and the file on the agent page while both still work', async () => {
    const w = world.e2e;
    // Both have committed their line 2 (the prediction reads branches; the badge is what is tested).
    for (const side of ['left', 'right'] as const) {
      await waitFor(
        async () =>
          w.sb.git(['log', '--oneline', '-1', (await w.agent(ids[side])).branch]).includes('edits line 2'),
        `the ${side} agent to commit its edit`,
        { timeoutMs: 60_000, intervalMs: 250 },
      ).catch(async (e: Error) => {
        throw new Error(`${e.message}; its screen:\n${await w.screen(ids[side])}`);
      });
    }
    const page = await world.signedInPage();
    await openView(page, 'Fleet');
    for (const [me, other] of [
      [ids.left, ids.right],
      [ids.right, ids.left],
    ] as const) {
      const badge = page
        .locator(`[data-testid="agent-card"][data-agent-id="${me}"] [data-testid="conflict-badges"] li`)
        .filter({ hasText: `conflicts with ${other}` });
      await badge.waitFor({ timeout: 30_000 }).catch(async (e: Error) => {
        await screenshot(page, 'conflict-badge-missing');
        const api = await w.api<unknown>('/api/v1/conflicts').catch((err: Error) => err.message);
        throw new Error(
          `card ${me} never said "conflicts with ${other}": ${e.message}\n` +
            `GET /conflicts: ${JSON.stringify(api)}\npage errors: ${errorText(page)}`,
        );
      });
    }
    // Before either finishes: both still hold their last answer back.
    for (const id of [ids.left, ids.right]) expect((await w.agent(id)).status).toBe('working');
    await screenshot(page, 'fleet-conflicts');
    await checkA11y(page, 'the fleet with conflict badges');

    await page.goto(new URL(`/agents/${ids.left}`, page.url()).toString());
    const panel = page.getByTestId('conflict-panel');
    await panel.getByText('Would conflict with').waitFor({ timeout: 15_000 });
    await expect(panel.locator('.conflict-file').first().textContent()).resolves.toBe(
      'shared.txt conflict lines 2 ↔ 2',
    );
    await expect(panel.getByRole('link', { name: ids.right }).getAttribute('href')).resolves.toBe(
      `/agents/${ids.right}`,
    );
    await screenshot(page, 'agent-conflicts');
    await page.context().close();
  }, 120_000);
});
