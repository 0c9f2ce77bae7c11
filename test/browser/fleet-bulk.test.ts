import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  describeInBrowser,
  errorText,
  openView,
  screenshot,
  useBrowserWorld,
} from '../helpers/browser.js';

/**
 * The fleet page's bulk actions, in a real browser: "Stop all" stops every running agent and
 * "Remove finished" removes them, each after a dialog saying how many and what is kept; the
 * branches and worktrees really are kept. Real processes: the `flotilla` binary and its daemon,
 * tmux, git, Claude Code in its TUI (two agents), the scripted model and Chromium; all inside
 * one loopback-only network namespace.
 */

await describeInBrowser('fleet bulk actions', () => {
  const world = useBrowserWorld({
    script: { conversations: [{ name: 'idle', steps: [simStep.text('Done here.')] }] },
  });

  it('Stop all, then Remove finished: each confirmed in a dialog; branches and worktrees stay', async () => {
    const w = world.e2e;
    const started: { id: string; branch: string; worktreePath: string }[] = [];
    for (const title of ['Tidy the README', 'Rename the helpers']) {
      const task = await w.addTask(title, '[[sim:idle]] say done');
      started.push(await w.json(['start', task.id]));
    }
    for (const a of started)
      await w.waitForAgent(a.id, (x) => x.status === 'idle', 'its first turn to end', 90_000);

    const page = await world.signedInPage();
    await openView(page, 'Fleet');
    const cards = page.locator('[data-testid="agent-card"]');
    await expect
      .poll(() => cards.count(), { timeout: 15_000, message: `two cards; ${errorText(page)}` })
      .toBe(2);

    await page.getByRole('button', { name: 'Stop all (2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stop all agents?' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toMatch(
      /2 agents will be stopped.*worktrees and branches are kept/s,
    );
    await screenshot(page, 'fleet-bulk-stop-dialog');
    await checkA11y(page, 'the stop-all dialog');
    await dialog.getByRole('button', { name: 'Stop 2 agents' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
    for (const a of started)
      await page
        .locator(`[data-testid="agent-card"][data-agent-id="${a.id}"][data-status="stopped"]`)
        .waitFor({
          timeout: 30_000,
        });
    for (const a of started) expect((await w.agent(a.id)).status, 'the daemon says stopped').toBe('stopped');

    await page.getByRole('button', { name: 'Remove finished (2)' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove finished agents?' });
    await remove.waitFor();
    await expect(remove.textContent()).resolves.toMatch(
      /branches are kept; their worktrees are kept too unless/,
    );
    await expect(
      remove.getByRole('checkbox', { name: /Also remove their worktrees/ }).isChecked(),
    ).resolves.toBe(false);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'fleet-bulk-remove-dialog-dark');
    await checkA11y(page, 'the remove-finished dialog (dark)');
    await page.emulateMedia({ colorScheme: 'light' });
    await remove.getByRole('button', { name: 'Remove 2 agents' }).click();
    await remove.waitFor({ state: 'hidden', timeout: 60_000 });
    await expect.poll(() => cards.count(), { timeout: 15_000, message: 'the cards leave the fleet' }).toBe(0);
    expect(await w.agents()).toEqual([]);
    for (const a of started) {
      expect(w.sb.git(['branch', '--list', a.branch]).trim(), `branch ${a.branch} kept`).not.toBe('');
      expect(existsSync(a.worktreePath), `worktree ${a.worktreePath} kept`).toBe(true);
    }
    await screenshot(page, 'fleet-bulk-after-remove');
  }, 240_000);
});
