// First load of the dashboard with a big fleet: 100 live agents and 1,000 tasks. Time to
// interactive = the later of "all 100 cards are on screen" and the end of the last long task
// (>50 ms) on the main thread; the baseline is the same browser loading the daemon's smallest
// page (/api/v1/health) in the same run. Also the built bundle, gzipped, as the browser gets it.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, signedInPage } from './browser.js';
import { figure, median, ROOT, report, tempDir } from './lib.js';
import { makeBenchSandbox } from './sandbox.js';

const AGENTS = 100;
const TASKS = 1_000;
const RUNS = 5;

/** Gzipped bytes of the first load (index.html + what it references) and of everything. */
export function bundleSizes() {
  const root = join(ROOT, 'dist', 'web');
  const gz = (file) => statSync(join(root, `${file}.gz`)).size;
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const initial = ['index.html', ...[...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1])];
  const all = readdirSync(join(root, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  return {
    initialKiB: initial.reduce((n, f) => n + gz(f), 0) / 1024,
    totalKiB: (gz('index.html') + all.reduce((n, f) => n + gz(`assets/${f}`), 0)) / 1024,
  };
}

async function timeToInteractive(page, url, selector, count) {
  await page.goto(url, { waitUntil: 'commit' });
  return page.evaluate(
    ({ selector, count }) =>
      new Promise((resolve) => {
        const check = () => {
          if (document.querySelectorAll(selector).length >= count) {
            const ready = performance.now();
            // Let any trailing long task finish, then take the end of the last one.
            setTimeout(() => {
              const last = (window.__longTasks ?? []).reduce((m, t) => Math.max(m, t), 0);
              resolve({ ready, tti: Math.max(ready, last) });
            }, 500);
          } else requestAnimationFrame(check);
        };
        check();
      }),
    { selector, count },
  );
}

export async function benchWebLoad() {
  const { dir, cleanup } = tempDir('web-load');
  const fake = join(dir, 'fake-agent');
  writeFileSync(fake, '#!/bin/sh\nexec sleep 900\n', { mode: 0o755 });
  const sb = makeBenchSandbox('web-load', {
    config: `agents:\n  claude-code:\n    command: ${fake}\nlimits:\n  max_concurrent: ${AGENTS}\n`,
  });
  let browser;
  try {
    sb.git(['commit', '-q', '--allow-empty', '-m', 'init']);
    sb.flotilla(['init', '--no-config-file']);
    const { repos } = await sb.api('GET', '/repos');
    const repoId = repos[0].id;
    const labels = ['api', 'db', 'ui', 'infra', 'docs'];
    const priorities = ['low', 'normal', 'high', 'urgent'];
    for (let i = 0; i < TASKS; i++) {
      await sb.api('POST', '/tasks', {
        repoId,
        title: `Task ${i}: ${labels[i % 5]} work item`,
        prompt: `do thing ${i}`,
        priority: priorities[i % 4],
        labels: [labels[i % 5]],
        status: i < AGENTS ? 'todo' : ['backlog', 'todo', 'review', 'done', 'failed'][i % 5],
      });
    }
    const t0 = Date.now();
    const up = await sb.api('POST', '/up', { max: AGENTS });
    if (up.started.length !== AGENTS) throw new Error(`started ${up.started.length} of ${AGENTS} agents`);
    console.log(
      `  (setup: ${TASKS} tasks, ${AGENTS} agents started in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );

    browser = await launchChromium();
    const signedIn = await signedInPage(browser, sb);
    const cookies = await signedIn.context.cookies();
    const { origin } = signedIn;
    // Each run in a fresh context: an empty cache, as on a first visit (the session cookie copied).
    const coldPage = async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies(cookies);
      await context.addInitScript(() => {
        window.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration);
        }).observe({ type: 'longtask', buffered: true });
      });
      return { context, page: await context.newPage() };
    };
    const fleet = [];
    const board = [];
    const blank = [];
    for (let i = 0; i < RUNS; i++) {
      for (const [path, selector, count, into] of [
        ['/', '[data-testid="agent-card"]', AGENTS, fleet],
        ['/tasks', '[data-testid="task-card"]', 1, board],
      ]) {
        const { context, page } = await coldPage();
        into.push((await timeToInteractive(page, `${origin}${path}`, selector, count)).tti);
        await context.close();
      }
      const { context, page } = await coldPage();
      await page.goto(`${origin}/api/v1/health`, { waitUntil: 'load' });
      blank.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
      await context.close();
    }
    report({
      name: `web: fleet view TTI (${AGENTS} agents), median`,
      value: median(fleet),
      unit: 'ms',
      baselineName: 'health page load',
      baseline: median(blank),
    });
    figure({
      name: `web: fleet view TTI, worst of ${RUNS}`,
      value: Math.max(...fleet),
      unit: 'ms',
      target: 1000,
    });
    figure({
      name: `web: task board TTI (${TASKS} tasks), median`,
      value: median(board),
      unit: 'ms',
      target: 1000,
    });
    figure({
      name: `web: task board TTI, worst of ${RUNS}`,
      value: Math.max(...board),
      unit: 'ms',
      target: 1000,
    });
    const size = bundleSizes();
    figure({ name: 'web: first-load bundle, gzip', value: size.initialKiB, unit: 'KiB', target: 300 });
    figure({ name: 'web: whole bundle incl. lazy views, gzip', value: size.totalKiB, unit: 'KiB' });
  } finally {
    await browser?.close();
    sb.cleanup();
    cleanup();
  }
}
