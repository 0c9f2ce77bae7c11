import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  describeInBrowser,
  errorText,
  openView,
  recordAttribute,
  screenshot,
  useBrowserWorld,
  waitFor,
  withScreen,
} from '../helpers/browser.js';

/**
 * The main scenario, in a real browser: start a task from the board, watch its agent on the
 * fleet view ask for permission, approve it there, see it finish. Real processes: the `flotilla`
 * binary and its daemon, tmux, git, Claude Code 2.1.197 in its TUI in default permission mode
 * (so Bash opens the approval dialog), the scripted model and Chromium; all inside one
 * loopback-only network namespace.
 */

const MARKER_FILE = 'approved.txt';
const MARKER_TEXT = 'approved in the browser';
const DENIED_FILE = 'denied.txt';
const REFUSAL = /doesn't want to proceed with this tool use/;

await describeInBrowser('the fleet view', () => {
  const world = useBrowserWorld({
    script: {
      conversations: [
        {
          name: 'approve',
          steps: [
            // Held back a few seconds, so `working` is on the card long enough to be seen.
            simStep.slow(4_000, simStep.bash(`echo '${MARKER_TEXT}' > ${MARKER_FILE}`, 'Write the marker')),
            simStep.text('Wrote the marker.'),
          ],
        },
        {
          name: 'deny',
          steps: [
            simStep.bash(`touch ${DENIED_FILE}`, 'Create the denied marker'),
            simStep.text('Understood, I left it alone.'),
          ],
        },
      ],
    },
  });

  /** Wait for the card to show `status`; on failure, say what it showed and what the agent's screen was. */
  const cardReaches = (page: Page, agentId: string, status: string, timeoutMs = 60_000) =>
    withScreen(
      world.e2e,
      agentId,
      page
        .locator(`[data-testid="agent-card"][data-agent-id="${agentId}"][data-status="${status}"]`)
        .waitFor({ timeout: timeoutMs })
        .catch(async (e: Error) => {
          const shown = await page
            .locator(`[data-testid="agent-card"][data-agent-id="${agentId}"]`)
            .getAttribute('data-status', { timeout: 1_000 })
            .catch(() => 'no card');
          const api = await world.e2e.agent(agentId).catch(() => null);
          throw new Error(
            `the card never showed ${status} (it shows ${shown}; the API says ${api?.status}): ${e.message}\n` +
              `page errors: ${errorText(page)}`,
          );
        }),
    );

  it('start on the board, approve on the card: working → needs_permission → approved → the turn ends', async () => {
    const w = world.e2e;
    const task = await w.addTask('Write the marker file', '[[sim:approve]] write the marker file');
    const page = await world.signedInPage();

    await openView(page, 'Tasks');
    const taskCard = page.locator(`[data-testid="task-card"][data-task-id="${task.id}"]`);
    await taskCard.getByRole('button', { name: 'Start', exact: true }).click();
    const agentId = await waitFor(
      async () => (await w.agents()).find((a) => a.taskId === task.id)?.id,
      `an agent for task ${task.id} after clicking Start (page errors: ${errorText(page)})`,
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    await openView(page, 'Fleet');
    const cardSelector = `[data-testid="agent-card"][data-agent-id="${agentId}"]`;
    await withScreen(w, agentId, page.locator(cardSelector).waitFor({ timeout: 30_000 }));
    const statuses = await recordAttribute(page, cardSelector, 'data-status');

    await cardReaches(page, agentId, 'working');
    await cardReaches(page, agentId, 'needs_permission');
    const card = page.locator(cardSelector);
    await screenshot(page, 'fleet-needs-permission');
    await checkA11y(page, 'the fleet view with an agent asking for permission');
    // Contrast is promised in both themes, and the attention colours matter most.
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkA11y(page, 'the fleet view in the dark theme');
    await screenshot(page, 'fleet-needs-permission-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    // From 360 px up: a phone shows the card and its Approve button without sideways scrolling.
    await page.setViewportSize({ width: 360, height: 740 });
    await expect(
      page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
          .document.documentElement;
        return root.scrollWidth;
      }),
      'the page fits 360 px',
    ).resolves.toBeLessThanOrEqual(360);
    await expect(card.getByRole('button', { name: 'Approve', exact: true }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'fleet-needs-permission-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The hook that set needs_permission fires just before Claude Code draws its dialog; a
    // person reads the card first, so answer once the dialog is really on the agent's screen.
    await waitFor(
      async () => (await w.screen(agentId)).includes('Do you want to proceed?'),
      'the permission dialog on the agent screen',
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    await card.getByRole('button', { name: 'Approve', exact: true }).click();

    await withScreen(
      w,
      agentId,
      page.locator(`${cardSelector}:not([data-status="needs_permission"])`).waitFor({ timeout: 20_000 }),
    );
    await waitFor(
      async () => {
        const s = await card.getAttribute('data-status');
        return s === 'needs_input' || s === 'idle';
      },
      'the card to show the turn ended (needs_input or idle)',
      { timeoutMs: 60_000, intervalMs: 200 },
    ).catch(async (e: Error) => {
      throw new Error(
        `${e.message}; card statuses: ${(await statuses())?.join(' → ')}\n${await w.screen(agentId)}`,
      );
    });

    const seen = (await statuses()) ?? [];
    const order = seen.join(' → ');
    expect(seen.indexOf('working'), order).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('working'), `working came before needs_permission: ${order}`).toBeLessThan(
      seen.indexOf('needs_permission'),
    );
    // "Wrote the marker." asks nothing: finished, not waiting for the user.
    expect(seen.at(-1), order).toBe('idle');

    const agent = await w.agent(agentId);
    expect(agent.status).toBe('idle');
    await card.getByText('Turn done — your move').waitFor({ timeout: 5_000 });
    expect(readFileSync(join(agent.worktreePath, MARKER_FILE), 'utf8')).toBe(`${MARKER_TEXT}\n`);
    await screenshot(page, 'fleet-after-approval');
  }, 150_000);

  it('deny on the card: the card shows the command; after Deny it never runs and the model gets the refusal', async () => {
    const w = world.e2e;
    const task = await w.addTask('Touch the denied marker', '[[sim:deny]] create the denied marker');
    const started = await w.json<{ id: string; sessionId: string; worktreePath: string }>(['start', task.id]);
    const page = await world.signedInPage();
    await openView(page, 'Fleet');
    const cardSelector = `[data-testid="agent-card"][data-agent-id="${started.id}"]`;
    await cardReaches(page, started.id, 'needs_permission');
    const card = page.locator(cardSelector);
    // Exactly what Approve would allow is on the card: the tool and the whole command.
    await card
      .getByText(`touch ${DENIED_FILE}`, { exact: true })
      .waitFor({ timeout: 10_000 })
      .catch(async (e: Error) => {
        const api = await w.agent(started.id);
        throw new Error(
          `${e.message}\ncard: ${await card.textContent()}\napi: ${JSON.stringify(api.pendingPermission)} ${api.statusDetail}`,
        );
      });
    await expect(card.getByText('Bash', { exact: true }).isVisible()).resolves.toBe(true);
    await waitFor(
      async () => (await w.screen(started.id)).includes('Do you want to proceed?'),
      'the permission dialog on the agent screen',
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    await cardReaches(page, started.id, 'needs_input', 20_000);
    await screenshot(page, 'fleet-after-deny');
    expect(await w.screen(started.id)).toMatch(/Interrupted · What should Claude do instead\?/);
    expect(readdirSync(started.worktreePath)).not.toContain(DENIED_FILE);
    // The refusal reaches the model with the next message.
    expect((await w.flotilla(['send', started.id, 'Leave it.'])).code).toBe(0);
    await waitFor(
      () =>
        w.sim.requests.some(
          (r) =>
            r.sessionId === started.sessionId &&
            r.toolResults.some((t) => t.isError && REFUSAL.test(t.content)),
        ),
      'the model to receive the refusal',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(readdirSync(started.worktreePath)).not.toContain(DENIED_FILE);
  }, 150_000);
});
