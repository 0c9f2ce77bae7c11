import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { ROOT, stopSandboxDaemon, waitFor } from './cli.js';
import { type E2eOptions, type E2eWorld, e2eSkipReason, makeE2eWorld } from './e2e.js';

/**
 * Browser tests: Debian's real Chromium, driven by playwright-core, against the real daemon of an
 * e2e world. Chromium joins the world's loopback-only network namespace (through a wrapper
 * script that `nsenter`s before exec), because the daemon listens only inside it. Playwright
 * drives Chromium over a pipe (fds 3/4), which no namespace affects; everything Chromium itself
 * sends can reach 127.0.0.1 of the namespace and nothing else.
 */

/** Debian's Chromium (CI installs it with apt); never a browser Playwright downloads. */
export const CHROMIUM = '/usr/bin/chromium';
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const DIST_WEB = join(ROOT, 'dist', 'web', 'index.html');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

// As root on an offline machine: no sandbox (root), no GPU, and nothing that phones home. One
// list, shared with the benchmarks (bench/browser.js).
const CHROMIUM_ARGS = JSON.parse(
  readFileSync(join(ROOT, 'scripts', 'chromium-args.json'), 'utf8'),
) as string[];

/** Why browser tests cannot run here, or null. */
export async function browserSkipReason(): Promise<string | null> {
  const e2e = await e2eSkipReason();
  if (e2e) return e2e;
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    return `${CHROMIUM} is not installed (apt-get install chromium)`;
  }
  if (!existsSync(DIST_WEB)) return `${DIST_WEB} is missing: run \`npm run build\` first`;
  return null;
}

/**
 * A describe block of browser tests: skipped, and saying why in its title and on stderr, where
 * Chromium, the e2e tools or the built dashboard are missing. Await it at the top of the file.
 */
export async function describeInBrowser(what: string, body: () => void): Promise<void> {
  const skip = await browserSkipReason();
  if (skip) console.warn(`skipping browser tests of ${what}: ${skip}`);
  describe.skipIf(skip !== null)(`browser: ${what}${skip ? ` (skipped: ${skip})` : ''}`, body);
}

/** The e2e world a describe block's browser tests share, with Chromium inside it. */
export interface BrowserWorldOptions extends E2eOptions {
  /** Runs once the daemon's world is up, before Chromium starts: add tasks, start agents. */
  prepare?: (world: E2eWorld) => Promise<void>;
  /** beforeAll's budget, prepare included. */
  timeoutMs?: number;
}

/** What useBrowserWorld hands the tests; each getter throws until beforeAll has run. */
export interface BrowserWorld {
  readonly e2e: E2eWorld;
  readonly browser: Browser;
  /** A fresh page, signed in through a real login link, showing the shell. */
  signedInPage(): Promise<Page>;
}

/**
 * Registers the beforeAll that makes an e2e world (scripted model, daemon, namespace), runs
 * `prepare` and launches Chromium in it, and the afterAll that closes the browsers and cleans
 * the world up. Call it inside the describe block.
 */
export function useBrowserWorld({ prepare, timeoutMs = 60_000, ...e2e }: BrowserWorldOptions): BrowserWorld {
  let world: E2eWorld | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    world = await makeE2eWorld(e2e);
    await prepare?.(world);
    browser = await launchBrowser(world);
  }, timeoutMs);
  afterAll(async () => {
    await closeBrowsers();
    await world?.cleanup();
  }, 60_000);
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`no ${what}: the browser world's beforeAll failed or has not run`);
    return value;
  };
  return {
    get e2e() {
      return ready(world, 'e2e world');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    signedInPage: () => newSignedInPage(ready(browser, 'browser'), ready(world, 'e2e world')),
  };
}

const browsers = new Set<Browser>();

/** Chromium inside `world`'s network namespace. Close it with closeBrowsers() in afterAll. */
export async function launchBrowser(world: E2eWorld): Promise<Browser> {
  const wrapper = join(world.sb.dir, 'chromium-in-netns');
  // nsenter execs (no fork for a net namespace), so the pid Playwright holds is Chromium's own.
  writeFileSync(wrapper, `#!/bin/sh\nexec nsenter --net=/proc/${world.ns.pid}/ns/net -- ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const browser = await chromium.launch({
    executablePath: wrapper,
    args: CHROMIUM_ARGS,
    // Chromium's own files (crash reports, caches) go to the sandbox, not the real HOME.
    env: { ...process.env, HOME: world.sb.home, XDG_CONFIG_HOME: join(world.sb.home, '.config') },
    timeout: 30_000,
  });
  browsers.add(browser);
  browser.on('disconnected', () => browsers.delete(browser));
  return browser;
}

/** Close every browser launchBrowser() opened (afterAll, before the world's cleanup). */
export async function closeBrowsers(): Promise<void> {
  await Promise.allSettled([...browsers].map((b) => b.close()));
  browsers.clear();
}

/** The daemon's base URL (`http://127.0.0.1:<port>`), as daemon.json records it. */
export function daemonUrl(world: E2eWorld): string {
  return (JSON.parse(readFileSync(join(world.sb.stateDir, 'daemon.json'), 'utf8')) as { url: string }).url;
}

/**
 * Make the world a fresh install again: its daemon stopped and its state (database, token,
 * logs) gone, so the next CLI call starts a daemon that has never seen a repo. makeE2eWorld
 * registers its repo with `flotilla init`; the first-run page needs a daemon with none. Only
 * before any agent is started: an agent's state would go with the rest.
 */
export function freshInstall(world: E2eWorld): void {
  stopSandboxDaemon(world.sb.stateDir);
  rmSync(world.sb.stateDir, { recursive: true, force: true });
}

/** A JSON frame the page sent on one of its WebSockets. */
export type SentFrame = { type?: unknown; agentId?: unknown; [key: string]: unknown };

/**
 * Record every text frame the page sends on its WebSockets from now on. Call it before the page
 * opens the stream (before a goto): a socket already open is not followed. Playwright reports
 * frames in the order they were sent, so once a later frame is seen, every earlier one is too.
 */
export function recordSentFrames(page: Page): () => SentFrame[] {
  const frames: SentFrame[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string') return;
      try {
        frames.push(JSON.parse(payload) as SentFrame);
      } catch {
        frames.push({ unparsed: payload });
      }
    });
  });
  return () => [...frames];
}

/** Errors the page logged or threw, per page, for failure messages. */
const pageErrors = new WeakMap<Page, string[]>();
export const errorsOf = (page: Page): string[] => pageErrors.get(page) ?? [];
/** The page's errors, one a line, or 'none': for a failure message. */
export const errorText = (page: Page): string => errorsOf(page).join('\n') || 'none';

/**
 * A fresh context (no cookies) and page. bypassCSP lets checkA11y inject axe: the daemon's CSP
 * rightly forbids inline scripts. Reduced motion keeps transitions from skewing axe's colours.
 */
export async function newPage(browser: Browser): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    bypassCSP: true,
    reducedMotion: 'reduce',
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.setDefaultTimeout(15_000);
  return page;
}

/** The header every signed-in page shows (the main navigation). */
export const shellNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Go to a view (Fleet, Tasks, Logs) the way a person does: its link in the main navigation. */
export const openView = (page: Page, name: string) => shellNav(page).getByRole('link', { name }).click();

/** A fresh single-use login link from `flotilla web --json` (starts the daemon if needed). */
export async function loginUrl(world: E2eWorld): Promise<string> {
  return (await world.json<{ url: string; expiresAt: string }>(['web'])).url;
}

/** A page signed in through a real login link, showing the shell. */
export async function newSignedInPage(browser: Browser, world: E2eWorld): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(await loginUrl(world));
  await shellNav(page)
    .waitFor({ timeout: 20_000 })
    .catch((e: Error) => {
      throw new Error(
        `the dashboard shell never showed after the login link (at ${page.url()}): ${e.message}\n` +
          `errors: ${errorText(page)}`,
      );
    });
  return page;
}

/** Wait until the header's connection badge says `state` (live, reconnecting…). */
export async function waitForConnection(page: Page, state: string, timeoutMs = 20_000): Promise<void> {
  await page
    .locator(`[data-testid="connection-state"][data-state="${state}"]`)
    .waitFor({ timeout: timeoutMs })
    .catch(async (e: Error) => {
      const now = await page
        .locator('[data-testid="connection-state"]')
        .getAttribute('data-state', { timeout: 1_000 })
        .catch(() => 'absent');
      throw new Error(`connection badge never said ${state} (it says ${now}): ${e.message}`);
    });
}

/** Save a full-page screenshot as test-results/screenshots/<name>.png; returns and prints the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.info(`screenshot: ${path}`);
  return path;
}

/**
 * The little of the browser that page functions (page.evaluate) touch. The node test program
 * has no DOM lib on purpose (src must not see `window`), so page code names its globals here.
 */
export interface PageWindow {
  document: {
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
    body: object;
  };
  MutationObserver: new (callback: () => void) => { observe(target: object, options: object): void };
  axe?: { run(context: object, options: object): Promise<AxeResults> };
}

/** Where recordAttribute keeps its records on the page (gone if the page reloads). */
interface RecordingWindow extends PageWindow {
  __flotillaRecords?: Record<string, string[]>;
}

/**
 * Record every value `attribute` of the first element matching `selector` takes from now on
 * ('absent' while there is none), so a state that lasts one frame is not missed. Returns a
 * reader; it answers null once the page has reloaded (the records live on the page).
 */
export async function recordAttribute(
  page: Page,
  selector: string,
  attribute: string,
): Promise<() => Promise<string[] | null>> {
  const key = `${selector}@${attribute}`;
  await page.evaluate(
    ({ key, selector, attribute }) => {
      const win = globalThis as unknown as RecordingWindow;
      win.__flotillaRecords ??= {};
      const seen: string[] = [];
      win.__flotillaRecords[key] = seen;
      const note = () => {
        const value = win.document.querySelector(selector)?.getAttribute(attribute) ?? 'absent';
        if (seen.at(-1) !== value) seen.push(value);
      };
      note();
      new win.MutationObserver(note).observe(win.document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: [attribute],
      });
    },
    { key, selector, attribute },
  );
  return () =>
    page.evaluate((key) => (globalThis as unknown as RecordingWindow).__flotillaRecords?.[key] ?? null, key);
}

/** One axe violation, reduced to what a failure message needs. */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

/**
 * Run axe-core on the page as it is now; fails on any `serious` or `critical` violation, naming
 * the rule, its help text and the first few offending elements. Lesser ones are printed.
 */
export async function checkA11y(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (): Promise<Violation[]> => {
    const win = globalThis as unknown as PageWindow;
    if (!win.axe) throw new Error('axe-core did not load');
    const results = await win.axe.run(win.document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
  const describe = (v: Violation) =>
    `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
    v.targets
      .slice(0, 5)
      .map((t) => `      at ${t}`)
      .join('\n') +
    (v.targets.length > 5 ? `\n      … and ${v.targets.length - 5} more` : '');
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !bad.includes(v));
  if (minor.length > 0) console.info(`axe on ${label}: minor findings\n${minor.map(describe).join('\n')}`);
  if (bad.length > 0) {
    throw new Error(
      `axe on ${label}: ${bad.length} serious/critical violation(s)\n${bad.map(describe).join('\n')}`,
    );
  }
}

/** In-page fetch (same origin, the page's cookies): status and body text. */
export async function pageFetch(
  page: Page,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ path, method, body }) => {
      const r = await fetch(path, {
        method: method ?? 'GET',
        credentials: 'same-origin',
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, text: await r.text() };
    },
    { path, method: init.method, body: init.body },
  );
}

/** A failure message with the agent's real screen, for when Claude Code did something else. */
export async function withScreen<T>(world: E2eWorld, agentId: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw new Error(`${(e as Error).message}\nagent ${agentId}'s screen:\n${await world.screen(agentId)}`);
  }
}

export { waitFor };
