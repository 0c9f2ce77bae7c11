import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Repo } from '../../src/domain/repo.js';
import type { Task } from '../../src/domain/task.js';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  describeInBrowser,
  openView,
  pageFetch,
  useBrowserWorld,
  waitFor,
} from '../helpers/browser.js';

/**
 * A long column in a real browser: it builds the cards near the view, and the rest as it is
 * scrolled or tabbed through (web/src/views/tasks/useCardWindow.ts; happy-dom lays nothing out,
 * so only a browser shows the geometry works). Real processes: the `flotilla` binary and its
 * daemon, git, the scripted model (idle) and Chromium, in one loopback-only network namespace.
 */

const COUNT = 40;

/** The little of the DOM these checks touch (the node project has no DOM types). */
interface El {
  getAttribute(name: string): string | null;
  closest(selector: string): El | null;
  clientHeight: number;
  scrollHeight: number;
  scrollTo(to: { top: number }): void;
}

const todo = '[data-testid="column-todo"]';

/** The ids of the cards To do has built, top to bottom. */
const builtIds = (page: Page) =>
  page
    .locator(`${todo} [data-testid="task-card"]`)
    .evaluateAll((els) => els.map((el) => (el as unknown as El).getAttribute('data-task-id') ?? ''));

await describeInBrowser('a long board column', () => {
  const world = useBrowserWorld({
    script: { conversations: [{ name: 'idle', steps: [simStep.text('Ok.')] }] },
  });
  const ids: string[] = [];

  /** COUNT tasks in To do, in board order (same priority, created one after another). */
  async function longColumn(page: Page): Promise<void> {
    if (ids.length > 0) return;
    const repos = JSON.parse((await pageFetch(page, '/api/v1/repos')).text) as { repos: Repo[] };
    for (let i = 0; i < COUNT; i++) {
      const r = await pageFetch(page, '/api/v1/tasks', {
        method: 'POST',
        body: { repoId: repos.repos[0]?.id, title: `Windowed task ${i}`, prompt: 'window', status: 'todo' },
      });
      expect(r.status, r.text).toBeLessThan(300);
      ids.push((JSON.parse(r.text) as Task).id);
    }
  }

  it('builds the cards near the view first, and the rest as the column scrolls', async () => {
    const page = await world.signedInPage();
    await longColumn(page);
    await openView(page, 'Tasks');
    // (The fleet page may have read the list before the last tasks were added: events refresh it.)
    await page.locator(`${todo} h2`, { hasText: `To do ${COUNT} tasks` }).waitFor();
    const first = await builtIds(page);
    expect(first.length, 'a few screens of cards, not the whole column').toBeLessThan(COUNT);
    expect(first).toEqual(ids.slice(0, first.length));
    // The built cards fill the column's view and more.
    const list = page.locator(`${todo} .column-cards`);
    const fill = await list.evaluate((el) => ({
      view: (el as unknown as El).clientHeight,
      content: (el as unknown as El).scrollHeight,
    }));
    expect(fill.content).toBeGreaterThan(fill.view);
    await checkA11y(page, 'a long board column');

    // Scrolled to its end, again and again: every card, in order, and no "Show more" (40 < 60).
    const all = await waitFor(
      async () => {
        await list.evaluate((el) =>
          (el as unknown as El).scrollTo({ top: (el as unknown as El).scrollHeight }),
        );
        const built = await builtIds(page);
        return built.length === COUNT ? built : null;
      },
      'To do to build all its cards as it scrolls',
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(all).toEqual(ids);
    await expect(page.locator(`${todo} .column-more`).count()).resolves.toBe(0);
  }, 90_000);

  it('tabbing down the column reaches cards past the first ones built', async () => {
    const page = await world.signedInPage();
    await longColumn(page);
    await openView(page, 'Tasks');
    await page.locator(`${todo} h2`, { hasText: `To do ${COUNT} tasks` }).waitFor();
    const built = (await builtIds(page)).length;
    expect(built).toBeLessThan(COUNT);
    await page.locator(`${todo} [data-task-id="${ids[0]}"] [data-drag-handle]`).focus();
    // Each card has four stops (handle, Start, Edit, Move to); go past the first cards built.
    const focusedIndex = () =>
      page.evaluate(
        (list) =>
          list.indexOf(
            (globalThis as unknown as { document: { activeElement: El | null } }).document.activeElement
              ?.closest('[data-task-id]')
              ?.getAttribute('data-task-id') ?? '',
          ),
        ids,
      );
    let at = 0;
    for (let presses = 0; presses < 4 * (built + 4) && at <= built; presses++) {
      await page.keyboard.press('Tab');
      at = await focusedIndex();
      expect(at, 'focus stays in To do, card after card').toBeGreaterThanOrEqual(0);
    }
    expect(at).toBeGreaterThan(built);
  }, 90_000);
});
