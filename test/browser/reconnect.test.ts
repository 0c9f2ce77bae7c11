import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  browserSkipReason,
  closeBrowsers,
  daemonUrl,
  errorsOf,
  launchBrowser,
  newSignedInPage,
  type PageWindow,
  screenshot,
  waitForConnection,
} from '../helpers/browser.js';
import { type E2eWorld, makeE2eWorld } from '../helpers/e2e.js';

/**
 * The dashboard across a daemon restart, in a real browser. Real processes: the `flotilla`
 * binary, its daemon (stopped and started again by `flotilla daemon restart`), tmux, git, one
 * Claude Code agent started after the restart, the scripted model and Chromium; all inside one
 * loopback-only network namespace. The page must say it lost the stream, come back on its own,
 * and then keep showing changes: resumed, not merely reconnected, and never reloaded.
 */

const skip = await browserSkipReason();
if (skip) console.warn(`skipping browser reconnect tests: ${skip}`);

/** What this file's page functions keep on the page's window. */
interface Recorder extends PageWindow {
  /** Every connection state the badge showed, in order. */
  __flotillaStates?: string[];
  /** Set before the restart: still there afterwards means the page never reloaded. */
  __flotillaMarker?: string;
}

/** Record every state the badge shows from now on, so a short "reconnecting" is not missed. */
async function recordStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const window = globalThis as unknown as Recorder;
    const { document, MutationObserver } = window;
    const seen: string[] = [];
    window.__flotillaStates = seen;
    window.__flotillaMarker = 'before the restart';
    const note = () => {
      const state =
        document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') ?? 'absent';
      if (seen.at(-1) !== state) seen.push(state);
    };
    note();
    new MutationObserver(note).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state'],
    });
  });
}

describe.skipIf(skip !== null)(`browser: a daemon restart${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let w: E2eWorld;
  let browser: Browser;

  beforeAll(async () => {
    w = await makeE2eWorld({
      script: { conversations: [{ name: 'after', steps: [simStep.text('Started after the restart.')] }] },
      config: { agent: 'claude-auto' },
    });
    await w.addTask('Warm up', 'the CLI starts the daemon for this');
    // The page holds the daemon's URL: the restarted daemon must come back on the same port
    // (the sandbox asks for port 0, a fresh one each start).
    w.sb.env.FLOTILLA_SERVER__PORT = new URL(daemonUrl(w)).port;
    browser = await launchBrowser(w);
  }, 60_000);
  afterAll(async () => {
    await closeBrowsers();
    await w?.cleanup();
  }, 60_000);

  it('the badge leaves live and comes back by itself; a change made after the restart shows without a reload', async () => {
    const page = await newSignedInPage(browser, w);
    await waitForConnection(page, 'live');
    await recordStates(page);
    const oldPid = w.daemonPid();

    const restarted = w.flotilla(['daemon', 'restart']);
    // Catch the badge while it is down, for the screenshot; the recorder proves it either way.
    const down = await page
      .waitForFunction(
        () =>
          (globalThis as unknown as PageWindow).document
            .querySelector('[data-testid="connection-state"]')
            ?.getAttribute('data-state') !== 'live',
        undefined,
        { timeout: 20_000, polling: 'raf' },
      )
      .then(() => true)
      .catch(() => false);
    if (down) await screenshot(page, 'reconnect-during');
    const r = await restarted;
    expect(r.code, r.stderr).toBe(0);
    expect(w.daemonPid()).not.toBe(oldPid);

    // Either the badge is live again, or the page fell back to signing in (its session did not
    // survive the restart): the second is a failure, and it should say so at once.
    const signIn = page.getByRole('heading', { name: 'Sign in to Flotilla' });
    const outcome = await Promise.race([
      waitForConnection(page, 'live', 30_000).then(() => 'live' as const),
      signIn.waitFor({ timeout: 30_000 }).then(() => 'signed out' as const),
    ]).catch((e: Error) => e);
    if (outcome !== 'live') {
      await screenshot(page, 'reconnect-not-live');
      const states = await page.evaluate(() => (globalThis as unknown as Recorder).__flotillaStates ?? []);
      throw new Error(
        `after the restart the page ${outcome === 'signed out' ? 'was signed out (its session did not survive the daemon restart), so it never resumed' : `never came back: ${outcome.message}`}
` +
          `badge states seen: ${states.join(' → ')}
page text: ${await page.locator('body').textContent()}
` +
          `errors: ${errorsOf(page).join('\n') || 'none'}`,
      );
    }
    const states = await page.evaluate(() => (globalThis as unknown as Recorder).__flotillaStates ?? []);
    expect(states[0]).toBe('live');
    expect(states.slice(1, -1).length, `it left live: ${states.join(' → ')}`).toBeGreaterThan(0);
    expect(states.slice(1, -1)).not.toContain('absent');
    expect(states.at(-1)).toBe('live');

    // A change made after the restart: an agent started now appears on the open fleet view.
    const task = await w.addTask('Started after the restart', '[[sim:after]] say hello');
    const agent = await w.json<{ id: string }>(['start', task.id]);
    const card = page.locator(`[data-testid="agent-card"][data-agent-id="${agent.id}"]`);
    await card.waitFor({ timeout: 30_000 }).catch(async (e: Error) => {
      throw new Error(
        `the new agent's card never showed: ${e.message}\nscreen:\n${await w.screen(agent.id)}`,
      );
    });
    await w.waitForAgent(agent.id, (a) => a.status === 'needs_input', 'the agent to finish its turn');
    await page
      .locator(`[data-testid="agent-card"][data-agent-id="${agent.id}"][data-status="needs_input"]`)
      .waitFor({ timeout: 15_000 });
    expect(
      await page.evaluate(() => (globalThis as unknown as Recorder).__flotillaMarker),
      'the page was never reloaded',
    ).toBe('before the restart');
    await screenshot(page, 'reconnect-after');
  }, 120_000);
});
