import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  daemonUrl,
  describeInBrowser,
  errorText,
  type PageWindow,
  recordAttribute,
  screenshot,
  useBrowserWorld,
  waitForConnection,
  withScreen,
} from '../helpers/browser.js';

/**
 * The dashboard across a daemon restart, in a real browser. Real processes: the `flotilla`
 * binary, its daemon (stopped and started again by `flotilla daemon restart`), tmux, git, one
 * Claude Code agent started after the restart, the scripted model and Chromium; all inside one
 * loopback-only network namespace. The page must say it lost the stream, come back on its own,
 * and then keep showing changes: resumed, not merely reconnected, and never reloaded.
 */

const BADGE = '[data-testid="connection-state"]';

await describeInBrowser('a daemon restart', () => {
  const world = useBrowserWorld({
    script: { conversations: [{ name: 'after', steps: [simStep.text('Started after the restart.')] }] },
    config: { agent: 'claude-auto' },
    prepare: async (w) => {
      await w.addTask('Warm up', 'the CLI starts the daemon for this');
      // The page holds the daemon's URL: the restarted daemon must come back on the same port
      // (the sandbox asks for port 0, a fresh one each start).
      w.sb.env.FLOTILLA_SERVER__PORT = new URL(daemonUrl(w)).port;
    },
  });

  it('the badge leaves live and comes back by itself; a change made after the restart shows without a reload', async () => {
    const w = world.e2e;
    const page = await world.signedInPage();
    await waitForConnection(page, 'live');
    // The records live on the page: if it reloaded, they are gone (the reader answers null).
    const states = await recordAttribute(page, BADGE, 'data-state');
    const seen = async () => (await states())?.join(' → ') ?? 'nothing: the page reloaded';
    const oldPid = w.daemonPid();

    const restarted = w.flotilla(['daemon', 'restart']);
    // Catch the badge while it is down, for the screenshot; the recorder proves it either way.
    const down = await page
      .waitForFunction(
        (badge) =>
          (globalThis as unknown as PageWindow).document.querySelector(badge)?.getAttribute('data-state') !==
          'live',
        BADGE,
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
      const why =
        outcome === 'signed out'
          ? 'was signed out (its session did not survive the daemon restart), so it never resumed'
          : `never came back: ${outcome.message}`;
      throw new Error(
        `after the restart the page ${why}\nbadge states seen: ${await seen()}\n` +
          `page text: ${await page.locator('body').textContent()}\n` +
          `errors: ${errorText(page)}`,
      );
    }
    const values = await states();
    expect(values, 'the page was never reloaded').not.toBeNull();
    expect(values?.[0]).toBe('live');
    expect(values?.slice(1, -1).length, `it left live: ${await seen()}`).toBeGreaterThan(0);
    expect(values?.slice(1, -1), 'the badge stayed on screen throughout').not.toContain('absent');
    expect(values?.at(-1)).toBe('live');

    // A change made after the restart: an agent started now appears on the open fleet view,
    // and its status follows the stream.
    const task = await w.addTask('Started after the restart', '[[sim:after]] say hello');
    const agent = await w.json<{ id: string }>(['start', task.id]);
    const card = `[data-testid="agent-card"][data-agent-id="${agent.id}"]`;
    await withScreen(w, agent.id, page.locator(card).waitFor({ timeout: 30_000 }));
    await w.waitForAgent(agent.id, (a) => a.status === 'idle', 'the agent to finish its turn');
    await withScreen(w, agent.id, page.locator(`${card}[data-status="idle"]`).waitFor({ timeout: 15_000 }));
    expect(await states(), 'the page was never reloaded').not.toBeNull();
    await screenshot(page, 'reconnect-after');
  }, 120_000);
});
