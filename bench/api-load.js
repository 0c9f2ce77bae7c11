// API read load: `GET /api/v1/agents` with 100 agents and 5,000 tasks in the store, driven from
// a second process on loopback (this file re-run as `--client`). Two runs: a fixed offered load
// of 1,000 req/s for 5 s (latency counted from each request's scheduled send time, so a stall
// is not hidden by the client waiting), then a closed loop at max throughput.
//
// The agents are rows written straight into the store with status `stopped`: no tmux sessions,
// nothing for the daemon to reconcile, no live CPU/RSS samples. The figure is the API, route and
// store path (the agent list with each agent's task title), not tmux.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { figure, percentile, ROOT } from './lib.js';
import { makeBenchSandbox } from './sandbox.js';

const AGENTS = 100;
const TASKS = 5_000;
const RATE = 1_000;
const FIXED_MS = 5_000;
const MAX_MS = 3_000;
const MAX_CONCURRENCY = 16;

async function seed(home) {
  const { openStore } = await import(pathToFileURL(join(ROOT, 'dist', 'store', 'index.js')).href);
  const store = await openStore(join(home, 'flotilla.db'));
  try {
    const [repo] = await store.repos.list();
    const tasks = [];
    for (let i = 0; i < TASKS; i++) {
      tasks.push(await store.tasks.create(repo.id, { title: `Load task ${i}` }, 'user'));
    }
    for (let i = 0; i < AGENTS; i++) {
      // An agent references its worktree row (migration 5).
      const worktree = await store.worktrees.create(
        {
          taskId: tasks[i].id,
          path: `/nonexistent/wt-${i}`,
          branch: `flotilla/load-${i}`,
          baseRef: 'main',
          baseCommit: '0'.repeat(40),
          portBase: 20000 + i * 10,
        },
        'user',
      );
      await store.agents.create(
        {
          taskId: tasks[i].id,
          adapter: 'claude-code',
          status: 'stopped',
          worktreeId: worktree.id,
          tmuxSession: `load-${i}`,
        },
        'user',
      );
    }
  } finally {
    await store.close();
  }
}

/** The load client: runs in its own process, prints one JSON line of results. */
async function client([mode, url, token]) {
  const agent = new Agent({ keepAlive: true, maxSockets: mode === 'fixed' ? 64 : MAX_CONCURRENCY });
  const headers = { authorization: `Bearer ${token}` };
  const latencies = [];
  let errors = 0;
  let limited = 0;
  const once = (startedAt) =>
    new Promise((resolve) => {
      const req = request(url, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          // 429 is the per-client rate limit doing its job (2,000 req/s per token): counted apart.
          if (res.statusCode === 429) limited++;
          else if (res.statusCode !== 200) errors++;
          else latencies.push(performance.now() - startedAt);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  // Warm-up: JIT, SQLite page cache, keep-alive sockets.
  for (let i = 0; i < 200; i++) await once(performance.now());
  latencies.length = 0;
  errors = 0;
  limited = 0;
  const t0 = performance.now();
  if (mode === 'fixed') {
    const pending = [];
    const total = Math.round((RATE * FIXED_MS) / 1000);
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(once(due));
    }
    await Promise.all(pending);
  } else {
    const end = t0 + MAX_MS;
    await Promise.all(
      Array.from({ length: MAX_CONCURRENCY }, async () => {
        while (performance.now() < end) await once(performance.now());
      }),
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  process.stdout.write(
    `${JSON.stringify({ count: latencies.length, errors, limited, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) })}\n`,
  );
}

function runClient(mode, url, token) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--client', mode, url, token], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`load client exited ${code}`)),
    );
  });
}

export async function benchApiLoad() {
  const sb = makeBenchSandbox('api-load');
  try {
    sb.git(['commit', '-q', '--allow-empty', '-m', 'init']);
    sb.flotilla(['init', '--no-config-file']);
    // The daemon is the store's only writer: seed while it is down.
    sb.flotilla(['daemon', 'stop']);
    await seed(sb.home);
    sb.flotilla(['daemon', 'start']);
    const { agents } = await sb.api('GET', '/agents');
    if (agents.length !== AGENTS)
      throw new Error(`expected ${AGENTS} agents, the API lists ${agents.length}`);
    const info = JSON.parse(readFileSync(join(sb.home, 'daemon.json'), 'utf8'));
    const token = readFileSync(join(sb.home, 'token'), 'utf8').trim();
    const url = `${info.url}/api/v1/agents`;

    const fixed = await runClient('fixed', url, token);
    const label = `api: GET /agents (${AGENTS} agents, ${TASKS / 1000}k tasks)`;
    figure({ name: `${label} @${RATE}/s p50`, value: fixed.p50, unit: 'ms' });
    figure({ name: `${label} @${RATE}/s p99`, value: fixed.p99, unit: 'ms', target: 20 });
    figure({
      name: `${label} @${RATE}/s achieved`,
      value: fixed.count / fixed.seconds,
      unit: 'req/s',
      target: RATE * 0.95,
      lowerIsBetter: false,
    });
    const max = await runClient('max', url, token);
    figure({ name: `${label} max throughput (200s)`, value: max.count / max.seconds, unit: 'req/s' });
    if (max.limited > 0) {
      figure({
        name: `${label} max, answered 429 (rate limit)`,
        value: max.limited / max.seconds,
        unit: 'req/s',
      });
    }
    figure({ name: `${label} max, p50 (${MAX_CONCURRENCY} conns)`, value: max.p50, unit: 'ms' });
    figure({ name: `${label} max, p99 (${MAX_CONCURRENCY} conns)`, value: max.p99, unit: 'ms' });
    if (fixed.errors + max.errors + fixed.limited > 0) {
      throw new Error(
        `${fixed.errors + max.errors} requests failed, ${fixed.limited} rate-limited at ${RATE}/s`,
      );
    }
  } finally {
    sb.cleanup();
  }
}

if (process.argv[2] === '--client') await client(process.argv.slice(3));
