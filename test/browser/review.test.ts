import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Landing } from '../../src/domain/landing.js';
import type { Task } from '../../src/domain/task.js';
import {
  checkA11y,
  describeInBrowser,
  errorText,
  openView,
  screenshot,
  useBrowserWorld,
  waitFor,
} from '../helpers/browser.js';
import type { E2eWorld } from '../helpers/e2e.js';

/**
 * The review page, in a real browser: a task whose agent really committed on its branch is
 * listed for review with its commit and file, Land lands it (main moves and holds the commit,
 * the page follows the landing live to "landed"), Send back types the message to the agent,
 * and Discard asks first and keeps the branch. Real processes: the `flotilla` binary and its
 * daemon (landing queue included), tmux, git, a shell-script agent and Chromium, all inside
 * one loopback-only network namespace.
 */

/** The agent: commits a file of its own on its branch, then waits (a live session to send back to). */
const WORKER = [
  'printf "%s\\n" "$FLOTILLA_TASK_ID" > "work-$FLOTILLA_TASK_ID.txt"',
  'git add "work-$FLOTILLA_TASK_ID.txt"',
  'git commit -qm "work on $FLOTILLA_TASK_ID"',
  'exec sleep 600',
].join(' && ');

/** git in the world's repo (or a worktree), with the sandbox's identity and no user config. */
const git = (w: E2eWorld, args: string[], cwd = w.sb.repo): string =>
  execFileSync('git', args, { cwd, env: w.sb.env, encoding: 'utf8' }).trim();

/** A task whose agent committed its work, moved to review as a finished agent's task is. */
async function taskInReview(w: E2eWorld, title: string): Promise<{ task: Task; agentId: string }> {
  const task = await w.addTask(title, 'commit a file');
  const agent = await w.json<{ id: string; worktreePath: string }>(['start', task.id]);
  await waitFor(
    () => git(w, ['log', '-1', '--format=%s'], agent.worktreePath) === `work on ${task.id}`,
    `task ${task.id}'s agent to commit`,
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  const moved = await w.flotilla(['task', 'move', task.id, 'review']);
  if (moved.code !== 0) throw new Error(`task move ${task.id} review: ${moved.stderr}`);
  return { task, agentId: agent.id };
}

await describeInBrowser('the review page', () => {
  // The verify command waits for this file: the test sees the landing in its verify step on the
  // page before letting it go on, so "live progress" is observed, not assumed.
  const gate = join(tmpdir(), `flotilla-review-gate-${randomBytes(4).toString('hex')}`);
  afterAll(() => rmSync(gate, { force: true }));
  let landMe: Task;
  let sendMe: { task: Task; agentId: string };
  let dropMe: Task;
  const world = useBrowserWorld({
    script: { conversations: [] },
    config: {
      agent: 'worker',
      agents: { worker: { adapter: 'custom', command: 'sh', args: ['-c', WORKER], prompt_via: 'none' } },
      landing: { verify: `while [ ! -e ${gate} ]; do sleep 0.1; done` },
    },
    prepare: async (w) => {
      landMe = (await taskInReview(w, 'Add the feature')).task;
      sendMe = await taskInReview(w, 'Needs another pass');
      dropMe = (await taskInReview(w, 'A dead end')).task;
    },
    timeoutMs: 120_000,
  });

  it('lists the task with its commit and file; Land lands it on main and the page follows to "landed"', async () => {
    const w = world.e2e;
    const mainBefore = git(w, ['rev-parse', 'main']);
    const page = await world.signedInPage();
    // The ways in: the nav counts the three tasks in review, and the fleet card of the agent
    // whose task is in review links to its review page.
    await page.getByTestId('review-count').filter({ hasText: '3 waiting' }).waitFor();
    await page.getByRole('link', { name: 'Review & land Add the feature' }).click();
    await page.getByTestId('review-page').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/review/${landMe.id}`);
    await openView(page, 'Review');
    const item = page.locator(`[data-testid="review-list"] li[data-task="${landMe.id}"]`);
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('1 commit, 1 file');
    await expect(item.getByRole('button', { name: 'Land Add the feature' }).isEnabled()).resolves.toBe(true);
    await screenshot(page, 'review-list');
    await checkA11y(page, 'the review list');
    await item.getByRole('link', { name: 'Add the feature' }).click();

    const commits = page.getByTestId('review-commits');
    await commits.waitFor();
    await expect(commits.textContent()).resolves.toContain(`work on ${landMe.id}`);
    await expect(page.getByTestId('review-files').textContent()).resolves.toContain(`work-${landMe.id}.txt`);
    await screenshot(page, 'review-page');
    await checkA11y(page, 'the review page');

    await page.getByRole('button', { name: 'Land', exact: true }).click();
    // Live: the landing reaches its verify step (held by the gate) with no reload.
    const landing = page.getByTestId('landing');
    await page
      .locator('[data-testid="landing"][data-state="running"]')
      .filter({ hasText: 'verify' })
      .waitFor({ timeout: 20_000 })
      .catch(async (e: Error) => {
        await screenshot(page, 'review-landing-not-running');
        throw new Error(
          `the page never showed the landing in verify: ${e.message}; errors: ${errorText(page)}`,
        );
      });
    expect(git(w, ['rev-parse', 'main'])).toBe(mainBefore);
    writeFileSync(gate, '');
    await page.locator('[data-testid="landing"][data-state="landed"]').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('landing-state').textContent()).resolves.toBe('landed');

    // The effect, read from git: main moved by exactly the task's commit, on top of where it was.
    const landings = await w.api<{ landings: Landing[] }>(`/api/v1/landings?task=${landMe.id}`);
    const landed = landings.landings.at(-1);
    expect(landed?.state).toBe('landed');
    expect(git(w, ['rev-parse', 'main'])).toBe(landed?.commit);
    expect(git(w, ['rev-parse', 'main~1'])).toBe(mainBefore);
    expect(git(w, ['log', '-1', '--format=%s', 'main'])).toBe(`work on ${landMe.id}`);
    expect(git(w, ['show', `main:work-${landMe.id}.txt`])).toBe(landMe.id);
    await expect(landing.textContent()).resolves.toContain(landed?.commit?.slice(0, 12));
    // Landed is done: the task left the review list.
    await openView(page, 'Review');
    await page.getByTestId('review-list').waitFor();
    await page.locator(`li[data-task="${landMe.id}"]`).waitFor({ state: 'detached' });
    await page.locator(`li[data-task="${sendMe.task.id}"]`).waitFor();
    await page.context().close();
  }, 90_000);

  it('Send back types the message to the same agent and the task is in progress again', async () => {
    const w = world.e2e;
    const page = await world.signedInPage();
    // From the board: a card in review links to its review page.
    await openView(page, 'Tasks');
    await page.getByRole('link', { name: `Review ${sendMe.task.title}` }).click();
    await page.getByTestId('review-page').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/review/${sendMe.task.id}`);
    await page.getByLabel('Send back to the agent with a message').fill('Please add tests-for-the-parser');
    await page.getByRole('button', { name: 'Send back' }).click();
    await page.getByText('Sent: the agent resumes').waitFor();
    await waitFor(
      async () => (await w.screen(sendMe.agentId)).includes('tests-for-the-parser'),
      'the message on the agent screen',
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const task = await w.api<Task>(`/api/v1/tasks/${sendMe.task.id}`);
    expect(task.status).toBe('in_progress');
    await page.context().close();
  }, 60_000);

  it('Discard asks first, then cancels the task and keeps its branch', async () => {
    const w = world.e2e;
    const branch = (await w.api<{ branch: string | null }>(`/api/v1/tasks/${dropMe.id}/review`)).branch;
    expect(branch).toBeTruthy();
    const page = await world.signedInPage();
    await page.goto(new URL(`/review/${dropMe.id}`, page.url()).toString());
    await page.getByRole('button', { name: 'Discard…' }).click();
    const dialog = page.getByRole('dialog', { name: `Discard ${dropMe.title}?` });
    await dialog.waitFor();
    // Asking is not doing: the task is still in review while the dialog is open.
    expect((await w.api<Task>(`/api/v1/tasks/${dropMe.id}`)).status).toBe('review');
    await expect(dialog.getByRole('checkbox', { name: 'Also delete the branch' }).isChecked()).resolves.toBe(
      false,
    );
    await checkA11y(page, 'the discard dialog');
    await dialog.getByRole('button', { name: 'Discard', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitFor(
      async () => (await w.api<Task>(`/api/v1/tasks/${dropMe.id}`)).status === 'cancelled',
      'the task cancelled',
    );
    // The branch and its commit are still there.
    expect(git(w, ['log', '-1', '--format=%s', `refs/heads/${branch}`])).toBe(`work on ${dropMe.id}`);
    await page.context().close();
  }, 60_000);
});
