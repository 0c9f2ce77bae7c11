import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  describeInBrowser,
  errorText,
  freshInstall,
  openView,
  recordAttribute,
  screenshot,
  useBrowserWorld,
} from '../helpers/browser.js';

/**
 * A new user's first look, in a real browser: a daemon that knows no repo shows the first-run
 * page and the board says to run `flotilla init`; once the repo is registered and a task added
 * from a terminal, the open page leaves the first-run state by itself (the stream's
 * repo.registered and task.created events), with no reload. Real processes: the `flotilla`
 * binary and its daemon, git, the scripted model (idle) and Chromium; all inside one
 * loopback-only network namespace. No agent is started.
 */

const FIRST_RUN = '[data-testid="first-run"]';

await describeInBrowser('the first run', () => {
  const world = useBrowserWorld({
    script: { conversations: [{ name: 'idle', steps: [simStep.text('Ok.')] }] },
    // The world registers its repo while it is made; forget it. `flotilla web` (the sign-in)
    // starts the next daemon, on an empty database.
    prepare: async (w) => freshInstall(w),
  });

  it('explains init, task add and up; leaves the first-run page live once a repo and a task exist', async () => {
    const w = world.e2e;
    const page = await world.signedInPage();
    const firstRun = page.locator(FIRST_RUN);
    await firstRun.waitFor({ timeout: 15_000 }).catch((e: Error) => {
      throw new Error(
        `the fleet view never showed the first-run page: ${e.message}\nerrors: ${errorText(page)}`,
      );
    });
    await expect(
      firstRun.getByRole('heading', { level: 1 }).textContent(),
      'the page names itself',
    ).resolves.toMatch(/Welcome/);
    // The three steps, each with its command (and start <task> as the one-task alternative).
    const commands = await firstRun.locator('code').allTextContents();
    for (const command of ['flotilla init', 'flotilla up', 'flotilla start <task>'])
      expect(commands, `the first-run page shows \`${command}\``).toContain(command);
    expect(
      commands.some((c) => c.startsWith('flotilla task add ')),
      `a \`flotilla task add\` command among ${commands.join(' | ')}`,
    ).toBe(true);
    await expect(
      firstRun.getByRole('button', { name: 'Copy flotilla init' }).isVisible(),
      'the command has a copy button named for it',
    ).resolves.toBe(true);

    await checkA11y(page, 'the first-run page');
    await screenshot(page, 'first-run');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkA11y(page, 'the first-run page in the dark theme');
    await screenshot(page, 'first-run-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await openView(page, 'Tasks');
    const boardEmpty = page.getByRole('region', { name: 'No repository yet' });
    await boardEmpty.waitFor({ timeout: 15_000 });
    await expect(boardEmpty.textContent()).resolves.toContain('flotilla init');

    await openView(page, 'Fleet');
    await firstRun.waitFor({ timeout: 15_000 });
    // Records live on the page: if it reloaded, the reader answers null.
    const shown = await recordAttribute(page, FIRST_RUN, 'data-testid');

    const init = await w.flotilla(['init', '--no-config-file']);
    expect(init.code, `flotilla init: ${init.stderr}`).toBe(0);
    const task = await w.addTask('Fix the login redirect', 'keep ?next= after login');

    await firstRun.waitFor({ state: 'detached', timeout: 15_000 }).catch(async (e: Error) => {
      await screenshot(page, 'first-run-stuck');
      throw new Error(
        `the first-run page stayed after flotilla init and task add: ${e.message}\nerrors: ${errorText(page)}`,
      );
    });
    // A repo and a task but no agent: the fleet offers to start the task.
    const fleetEmpty = page.getByRole('region', { name: 'No agents running' });
    await fleetEmpty.getByText('1 task on the board').waitFor({ timeout: 15_000 });
    await expect(shown(), 'no reload: the page went from first-run to the fleet').resolves.toEqual([
      'first-run',
      'absent',
    ]);
    await screenshot(page, 'first-run-left');

    // The board, too, now has the repo and the task (still the same page).
    await openView(page, 'Tasks');
    await page
      .locator(`[data-testid="column-todo"] [data-testid="task-card"][data-task-id="${task.id}"]`)
      .waitFor({ timeout: 15_000 });
    await expect(page.getByRole('region', { name: 'No repository yet' }).count()).resolves.toBe(0);
    await expect(shown(), 'still no reload').resolves.not.toBeNull();
    await page.context().close();
  }, 60_000);
});
