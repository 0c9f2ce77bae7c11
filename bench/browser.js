// Debian's Chromium through playwright-core, for the dashboard benchmarks. The flags keep it
// quiet on an offline machine (no background fetches) and working as root.
import { existsSync, readFileSync } from 'node:fs';

export const CHROMIUM = process.env.FLOTILLA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = JSON.parse(
  readFileSync(new URL('../scripts/chromium-args.json', import.meta.url), 'utf8'),
);

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page signed in through `flotilla web --json` (the single-use login link). */
export async function signedInPage(browser, sb, { width = 1440, height = 900 } = {}) {
  const { url } = JSON.parse(sb.flotilla(['web', '--json']));
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection-state"][data-state="live"]', { timeout: 15_000 });
  return { page, context, origin: new URL(url).origin };
}
