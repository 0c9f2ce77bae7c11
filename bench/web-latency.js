// Hook → card: from an agent's hook firing (`flotilla hook`, started exactly as Claude Code
// starts it) to the new status showing on the agent's card in a real browser, p50/p99 over 100
// changes. In the same loop it records when the daemon stored each change: the floor the page
// cannot beat, printed as the baseline.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, signedInPage } from './browser.js';
import { figure, percentile, report, tempDir } from './lib.js';
import { agentHookEnv, fireHook, makeBenchSandbox, until } from './sandbox.js';

const CHANGES = 100;

export async function benchWebLatency() {
  const { dir, cleanup } = tempDir('web-agent');
  const fake = join(dir, 'fake-claude');
  writeFileSync(fake, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
  const sb = makeBenchSandbox('web-latency', { config: `agents:\n  claude-code:\n    command: ${fake}\n` });
  let browser;
  try {
    sb.git(['commit', '-q', '--allow-empty', '-m', 'init']);
    sb.flotilla(['init', '--no-config-file']);
    sb.flotilla(['task', 'add', 'Latency probe']);
    const taskId = sb.flotilla(['task', 'list', '--json']).match(/"id": "(\w+)"/)[1];
    const agent = JSON.parse(sb.flotilla(['start', taskId, '--json']));
    const info = JSON.parse(readFileSync(join(sb.home, 'daemon.json'), 'utf8'));
    const hookEnv = agentHookEnv(sb, agent, info.url);
    const base = { session_id: agent.sessionId, cwd: agent.worktreePath, transcript_path: '/dev/null' };

    browser = await launchChromium();
    const { page } = await signedInPage(browser, sb);
    const card = `[data-testid="agent-card"][data-agent-id="${agent.id}"]`;
    await page.waitForSelector(card, { timeout: 15_000 });
    // Every status the card shows, stamped with the wall clock the bench shares. The whole page
    // is watched, not one element: React may replace the card's node (a section change), and a
    // detached node would never report again.
    await page.evaluate((selector) => {
      window.__statusLog = [];
      let last = document.querySelector(selector)?.getAttribute('data-status') ?? null;
      new MutationObserver(() => {
        const now = document.querySelector(selector)?.getAttribute('data-status') ?? null;
        if (now !== last) window.__statusLog.push({ status: now, t: Date.now() });
        last = now;
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-status'],
      });
    }, card);

    const toCard = [];
    const toStore = [];
    let lastId = (await sb.api('GET', `/events?agent=${agent.id}&order=desc&limit=1`)).lastId ?? 0;
    for (let i = 0; i < CHANGES; i++) {
      const working = i % 2 === 0;
      const payload = working
        ? { ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: `echo ${i}` } }
        : { ...base, hook_event_name: 'Stop' };
      const want = working ? 'working' : 'idle';
      const seen = await page.evaluate(() => window.__statusLog.length);
      const t0 = Date.now();
      await fireHook(hookEnv, payload);
      const shown = await until(
        () =>
          page.evaluate(({ seen, want }) => window.__statusLog.slice(seen).find((x) => x.status === want), {
            seen,
            want,
          }),
        `card to show ${want} (change ${i})`,
        10_000,
      ).catch(async (err) => {
        // Say what the daemon recorded and what the card went through, not just "timed out".
        const { events } = await sb.api('GET', `/events?agent=${agent.id}&order=desc&limit=6`);
        const recorded = events.map((e) => `${e.type} ${JSON.stringify(e.data).slice(0, 120)}`).join('\n  ');
        const card = await page.evaluate((n) => window.__statusLog.slice(-n), 6);
        throw new Error(
          `${err.message}\n  daemon's last events:\n  ${recorded}\n  card: ${JSON.stringify(card)}`,
        );
      });
      toCard.push(shown.t - t0);
      const { events } = await sb.api(
        'GET',
        `/events?agent=${agent.id}&type=agent.status_changed&after=${lastId}`,
      );
      const recorded = events.at(-1);
      lastId = recorded.id;
      toStore.push(Date.parse(recorded.ts) - t0);
    }
    report({
      name: 'web: hook spawned → card updated, p50',
      value: percentile(toCard, 50),
      unit: 'ms',
      baselineName: 'hook spawned → stored',
      baseline: percentile(toStore, 50),
    });
    figure({
      name: 'web: hook spawned → card updated, p99',
      value: percentile(toCard, 99),
      unit: 'ms',
      target: 250,
    });
    figure({ name: 'web: hook spawned → stored, p99', value: percentile(toStore, 99), unit: 'ms' });
    figure({
      name: 'web: stored → card updated, p50 (page share)',
      value: percentile(
        toCard.map((c, i) => c - toStore[i]),
        50,
      ),
      unit: 'ms',
    });
    figure({
      name: 'web: stored → card updated, p99 (page share)',
      value: percentile(
        toCard.map((c, i) => c - toStore[i]),
        99,
      ),
      unit: 'ms',
    });
    if (process.env.BENCH_VERBOSE) console.log(JSON.stringify({ toCard, toStore }));
  } finally {
    await browser?.close();
    sb.cleanup();
    cleanup();
  }
}
