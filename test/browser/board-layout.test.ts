import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Task } from '../../src/domain/task.js';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  describeInBrowser,
  openView,
  pageFetch,
  screenshot,
  useBrowserWorld,
} from '../helpers/browser.js';

/**
 * The task board's layout at the widths people use: a 1280 px laptop shows all six columns, a
 * 1024 px window scrolls sideways and says which columns are out of sight, a 360 px phone
 * stacks them and shows every task with no "No tasks" noise. Real processes: the `flotilla`
 * binary and its daemon, git, the scripted model (idle) and Chromium, in one loopback-only
 * network namespace. No agent is started.
 */

const COLUMNS = ['backlog', 'todo', 'in_progress', 'review', 'done', 'failed'] as const;

/** Each column's box relative to the viewport. */
async function columnBoxes(page: Page) {
  const boxes: Record<string, { x: number; width: number; y: number; height: number }> = {};
  for (const status of COLUMNS) {
    const box = await page.locator(`[data-testid="column-${status}"]`).boundingBox();
    if (!box) throw new Error(`column ${status} is not laid out`);
    boxes[status] = box;
  }
  return boxes;
}

await describeInBrowser('the task board layout', () => {
  const world = useBrowserWorld({
    script: { conversations: [{ name: 'idle', steps: [simStep.text('Ok.')] }] },
  });
  let tasks: Task[] = [];

  /** Five tasks over four columns (two in todo, one each in review, done, failed). */
  async function fiveTasks(page: Page): Promise<void> {
    if (tasks.length > 0) return;
    const w = world.e2e;
    tasks = [];
    for (const title of [
      'Fix the login redirect',
      'Add rate limits',
      'Review the parser',
      'Ship the docs',
      'Port the CLI',
    ])
      tasks.push(await w.addTask(title, 'layout'));
    const moves: [number, string][] = [
      [2, 'review'],
      [3, 'done'],
      [4, 'failed'],
    ];
    for (const [i, status] of moves) {
      const r = await pageFetch(page, `/api/v1/tasks/${tasks[i]?.id}/move`, {
        method: 'POST',
        body: { status },
      });
      expect(r.status, r.text).toBe(200);
    }
  }

  async function openBoard(page: Page): Promise<void> {
    await fiveTasks(page);
    await openView(page, 'Tasks');
    await page.locator(`[data-testid="column-failed"] [data-task-id="${tasks[4]?.id}"]`).waitFor();
  }

  it('at 1280×800 every column is on screen and at least 180 px wide; nothing scrolls sideways', async () => {
    const page = await world.signedInPage();
    await openBoard(page);
    const boxes = await columnBoxes(page);
    for (const status of COLUMNS) {
      const b = boxes[status];
      expect(b?.x, `${status} starts on screen`).toBeGreaterThanOrEqual(0);
      expect((b?.x ?? 0) + (b?.width ?? 0), `${status} ends on screen`).toBeLessThanOrEqual(1280);
      expect(b?.width, `${status} is wide enough to read`).toBeGreaterThanOrEqual(180);
    }
    await expect(page.getByRole('button', { name: /Scroll to/ }).count(), 'nothing hidden').resolves.toBe(0);
    await expect(page.getByText('No tasks', { exact: true }).count()).resolves.toBe(0);
    await screenshot(page, 'board-1280');
    await checkA11y(page, 'the board at 1280 px');
    await page.context().close();
  }, 90_000);

  it('at 1024×800 the hidden columns are named on a button that scrolls them into view', async () => {
    const page = await world.signedInPage();
    await page.setViewportSize({ width: 1024, height: 800 });
    await openBoard(page);
    const more = page.getByRole('button', { name: /Scroll to .*Failed/ });
    await more.waitFor();
    const failed = page.locator('[data-testid="column-failed"]');
    const before = await failed.boundingBox();
    expect((before?.x ?? 0) + (before?.width ?? 0), 'Failed starts out of sight').toBeGreaterThan(1024);
    await screenshot(page, 'board-1024');
    await checkA11y(page, 'the board at 1024 px');
    // One column per click: click until Failed is no longer named (at most once per column).
    for (let i = 0; i < COLUMNS.length && (await more.count()) > 0; i++) {
      const name = await more.textContent();
      await more.click();
      await expect
        .poll(async () => ((await more.count()) === 0 ? 'gone' : await more.textContent()), {
          timeout: 5_000,
          message: `the button (${name}) never changed after a click`,
        })
        .not.toBe(name);
    }
    await expect
      .poll(
        async () => {
          const b = await failed.boundingBox();
          return (b?.x ?? 0) + (b?.width ?? 0) <= 1024;
        },
        { timeout: 5_000, message: 'Failed came into view' },
      )
      .toBe(true);
    await page.getByRole('button', { name: /Scroll to .*Backlog/ }).waitFor();
    const card = page.locator(`[data-task-id="${tasks[4]?.id}"]`);
    await expect(card.isVisible()).resolves.toBe(true);
    await screenshot(page, 'board-1024-scrolled');
    await page.context().close();
  }, 90_000);

  it('on a 360 px phone the columns stack, every task shows, and no "No tasks" repeats', async () => {
    const page = await world.signedInPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await openBoard(page);
    for (const t of tasks) {
      const card = page.locator(`[data-testid="task-card"][data-task-id="${t.id}"]`);
      const box = await card.boundingBox();
      expect(box, `${t.title} is laid out`).not.toBeNull();
      expect(box?.x, `${t.title} starts on screen`).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0), `${t.title} fits the phone`).toBeLessThanOrEqual(360);
    }
    const boxes = await columnBoxes(page);
    for (let i = 1; i < COLUMNS.length; i++)
      expect(boxes[COLUMNS[i] as string]?.y, `${COLUMNS[i]} below ${COLUMNS[i - 1]}`).toBeGreaterThan(
        boxes[COLUMNS[i - 1] as string]?.y ?? 0,
      );
    await expect(page.getByText('No tasks', { exact: true }).count()).resolves.toBe(0);
    const pageWidth = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
          .documentElement.scrollWidth,
    );
    expect(pageWidth, 'the page does not scroll sideways').toBeLessThanOrEqual(360);
    // Cards far below the fold are not painted (content-visibility: auto keeps 1,000 cards
    // cheap), so the picture is taken on a taller phone of the same width.
    await page.setViewportSize({ width: 360, height: 1400 });
    await screenshot(page, 'board-phone');
    await checkA11y(page, 'the board on a phone');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkA11y(page, 'the board on a phone (dark)');
    await page.context().close();
  }, 90_000);

  // Last: it starts an agent, which moves a todo card to In progress.
  it('at 1280×800 an In progress card shows "agent <id>" whole, inside the card', async () => {
    const page = await world.signedInPage();
    await openBoard(page);
    const started = tasks[1];
    const r = await pageFetch(page, '/api/v1/agents', { method: 'POST', body: { task: started?.id } });
    expect(r.status, r.text).toBeLessThan(300);
    const card = page.locator(`[data-testid="column-in_progress"] [data-task-id="${started?.id}"]`);
    const link = card.locator('.task-agent a');
    await link.waitFor();
    const agentId = ((await link.textContent()) ?? '').replace(/^agent\s*/, '');
    expect(agentId).toMatch(/^[a-z0-9]{6}$/);
    const [c, l] = [await card.boundingBox(), await link.boundingBox()];
    expect(l?.x, 'the link starts inside the card').toBeGreaterThanOrEqual(c?.x ?? 0);
    expect((l?.x ?? 0) + (l?.width ?? 0), 'the link ends inside the card').toBeLessThanOrEqual(
      (c?.x ?? 0) + (c?.width ?? 0),
    );
    // Whole, on one line: squeezed beside the status badge it broke into "agent" over the id,
    // and beside a wider badge ran past the card's edge, where the column clipped it.
    // The node project has no DOM types: the little of the DOM this touches, typed here.
    type Box = { getBoundingClientRect(): { height: number } };
    const lines = await link.evaluate((el) => {
      const css = (
        globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }
      ).getComputedStyle(el);
      return (el as unknown as Box).getBoundingClientRect().height / (Number.parseFloat(css.fontSize) * 1.6);
    });
    expect(lines, 'the link is one line high').toBeLessThan(1.25);
    await screenshot(page, 'board-in-progress-agent');
    await page.context().close();
  }, 90_000);
});
