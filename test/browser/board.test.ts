import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Task } from '../../src/domain/task.js';
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
 * The task board, in a real browser: a card dragged with real pointer events lands in another
 * column, and the move is the daemon's truth (it survives a reload). Real processes: the
 * `flotilla` binary and its daemon, git, the scripted model (idle) and Chromium; all inside one
 * loopback-only network namespace. No agent is started.
 */

/** The centre of a locator's box; fails clearly when it is not laid out. */
async function centre(locator: Locator, what: string): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${what} has no box on the page (hidden or detached)`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Drag with the mouse as a person does: press on the card's title (outside its controls), move
 * past dnd-kit's activation distance in small steps, glide to the column, let go.
 */
async function drag(page: Page, card: Locator, target: Locator): Promise<void> {
  await card.scrollIntoViewIfNeeded();
  const grip = card.getByRole('heading').first();
  const from = await centre((await grip.count()) > 0 ? grip : card, 'the task card');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 4; i++) await page.mouse.move(from.x + i * 4, from.y + i * 4);
  const to = await centre(target, 'the target column');
  await page.mouse.move(to.x, to.y, { steps: 20 });
  // One more small move over the target: collision detection runs on move, not on release.
  await page.mouse.move(to.x + 2, to.y + 2, { steps: 2 });
  await page.mouse.up();
}

await describeInBrowser('the task board', () => {
  const world = useBrowserWorld({
    script: { conversations: [{ name: 'idle', steps: [simStep.text('Ok.')] }] },
  });

  it('a card dragged from todo to review stays there after a reload, and the API agrees', async () => {
    const w = world.e2e;
    const task = await w.addTask('Review the parser change', 'drag me');
    await w.addTask('Stay in todo', 'a neighbour that must not move');
    expect(task.status).toBe('todo');
    const page = await world.signedInPage();
    await openView(page, 'Tasks');

    const inColumn = (status: string) =>
      page.locator(`[data-testid="column-${status}"] [data-testid="task-card"][data-task-id="${task.id}"]`);
    await inColumn('todo').waitFor({ timeout: 15_000 });
    const review = page.locator('[data-testid="column-review"]');
    await expect(review.getByRole('heading').count(), 'the column has a heading').resolves.toBeGreaterThan(0);
    await checkA11y(page, 'the task board');

    await drag(page, inColumn('todo'), review);
    await inColumn('review')
      .waitFor({ timeout: 10_000 })
      .catch(async (e: Error) => {
        await screenshot(page, 'board-drag-failed');
        throw new Error(`the card never showed in review: ${e.message}\npage errors: ${errorText(page)}`);
      });
    await expect(inColumn('review').getAttribute('data-status')).resolves.toBe('review');
    await screenshot(page, 'board-after-drag');
    // The daemon's truth, not only the page's optimistic state.
    await waitFor(
      async () => (await w.api<Task>(`/api/v1/tasks/${task.id}`)).status === 'review',
      'the API to say the task is in review',
      { timeoutMs: 10_000, intervalMs: 200 },
    );

    await page.reload();
    await inColumn('review').waitFor({ timeout: 15_000 });
    await expect(inColumn('todo').count(), 'no copy left in todo').resolves.toBe(0);
    await expect(page.locator('[data-testid="column-todo"] [data-testid="task-card"]').count()).resolves.toBe(
      1,
    );
    await screenshot(page, 'board-after-reload');
  }, 90_000);
});
