import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  daemonUrl,
  describeInBrowser,
  errorText,
  loginUrl,
  newPage,
  pageFetch,
  screenshot,
  shellNav,
  useBrowserWorld,
  waitForConnection,
} from '../helpers/browser.js';

/**
 * Signing in to the dashboard, in a real browser. Real processes: the `flotilla` binary and its
 * daemon (serving dist/web and the API), Chromium (Debian's, headless), all inside one
 * loopback-only network namespace; the scripted model runs but no agent is started here.
 * No session means no data at all; a login link works exactly once.
 */

// A task whose title must never reach a page without a session.
const SECRET_TITLE = 'Rotate the staging credentials';

await describeInBrowser('signing in', () => {
  const world = useBrowserWorld({
    script: { conversations: [{ name: 'idle', steps: [simStep.text('Ok.')] }] },
    prepare: async (w) => {
      // Starts the daemon too (the CLI starts it on demand).
      await w.addTask(SECRET_TITLE, 'never started in this file');
    },
  });

  it('without a session: the sign-in page, no fleet data, and the API answers 401', async () => {
    const page = await newPage(world.browser);
    const response = await page.goto(`${daemonUrl(world.e2e)}/`);
    expect(response?.status(), 'the dashboard itself is public (it holds no data)').toBe(200);
    await expect
      .poll(() => page.getByRole('heading', { level: 1, name: 'Sign in to Flotilla' }).count(), {
        timeout: 15_000,
        message: `the sign-in heading; errors: ${errorText(page)}`,
      })
      .toBe(1);
    await expect(shellNav(page).count(), 'no navigation without a session').resolves.toBe(0);
    const text = await page.locator('body').textContent();
    expect(text).toContain('flotilla web');
    expect(text).not.toContain(SECRET_TITLE);
    await expect(page.locator('[data-testid="agent-card"], [data-testid="task-card"]').count()).resolves.toBe(
      0,
    );

    const agents = await pageFetch(page, '/api/v1/agents');
    expect(agents.status, agents.text).toBe(401);
    const tasks = await pageFetch(page, '/api/v1/tasks');
    expect(tasks.status, tasks.text).toBe(401);
    expect(tasks.text).not.toContain(SECRET_TITLE);
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name)).not.toContain('flotilla_session');

    await screenshot(page, 'auth-sign-in');
    await checkA11y(page, 'the sign-in page');
    await page.context().close();
  }, 60_000);

  it('a login link signs in once: the fleet view loads; the same link is refused the second time', async () => {
    const url = await loginUrl(world.e2e);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?code=[\w-]+$/);

    const page = await newPage(world.browser);
    const first = await page.goto(url);
    expect(first?.status()).toBe(200);
    expect(new URL(page.url()).pathname, 'redirected to the fleet view').toBe('/');
    await shellNav(page).waitFor();
    await waitForConnection(page, 'live');
    await expect(
      page.getByRole('link', { name: 'Fleet' }).getAttribute('aria-current'),
      'the fleet view is the current page',
    ).resolves.toBe('page');
    await expect(page.getByRole('heading', { name: 'Sign in to Flotilla' }).count()).resolves.toBe(0);
    const [session] = (await page.context().cookies()).filter((c) => c.name === 'flotilla_session');
    expect(session, 'the login set the session cookie').toBeDefined();
    expect(session?.httpOnly, 'scripts cannot read the session').toBe(true);
    expect(session?.sameSite).toBe('Strict');
    // The session is what the page's own API calls now carry.
    const tasks = await pageFetch(page, '/api/v1/tasks');
    expect(tasks.status, tasks.text).toBe(200);
    expect(tasks.text).toContain(SECRET_TITLE);
    await screenshot(page, 'auth-signed-in-fleet');

    // Another browser with the same (now used) link: refused, and no session for it.
    const other = await newPage(world.browser);
    const second = await other.goto(url);
    expect(second?.status(), 'a used login link').toBe(401);
    // A page saying what happened and how to get a new link, not the API's JSON error.
    expect(second?.headers()['content-type']).toMatch(/^text\/html/);
    await other.getByRole('heading', { level: 1, name: 'This sign-in link no longer works' }).waitFor();
    const refusal = (await other.locator('body').textContent()) ?? '';
    expect(refusal).toMatch(/expired or was already used/);
    expect(refusal).toContain('flotilla web');
    expect(refusal, 'no JSON error body on the page').not.toContain('"code"');
    await screenshot(other, 'auth-link-used-page');
    await checkA11y(other, 'the used-link page (light)');
    await other.emulateMedia({ colorScheme: 'dark' });
    await screenshot(other, 'auth-link-used-page-dark');
    await checkA11y(other, 'the used-link page (dark)');
    await other.emulateMedia({ colorScheme: 'light' });
    // An API client (no HTML in Accept) keeps the JSON error it can parse.
    const json = await pageFetch(other, new URL(url).pathname + new URL(url).search);
    expect(json.status).toBe(401);
    expect(JSON.parse(json.text)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await other.context().cookies()).map((c) => c.name)).not.toContain('flotilla_session');
    await other.goto(`${daemonUrl(world.e2e)}/`);
    await other.getByRole('heading', { level: 1, name: 'Sign in to Flotilla' }).waitFor();
    await screenshot(other, 'auth-link-used-twice');
    await other.context().close();
    await page.context().close();
  }, 60_000);
});
