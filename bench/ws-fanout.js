// WebSocket fan-out: 20 clients on /api/v1/stream, 5,000 events/s for a few seconds. The daemon
// runs in this process (built code in dist/) and appends events straight to its store at the
// target rate; the clients run in a second process (this file re-run as `--clients`) so their
// parsing does not share the daemon's event loop. Latency is client receive time minus the
// moment just before the event was appended (carried in its data; the store's own `ts` runs
// ahead of the clock under bursts, by design); loss and duplicates are counted by id.
// Baseline: the same clients fed by a bare `ws` server broadcasting equal frames at the same rate.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { figure, percentile, ROOT, report, tempDir } from './lib.js';

// A real event type (agent.hook, the most frequent one); `i` and `sentAt` ride along as extra keys.
const HOOK = { hook: 'PostToolUse', summary: 'PostToolUse Bash: ls', hookTs: new Date(0).toISOString() };

const CLIENTS = 20;
const RATE = 5_000;
const RUN_MS = 4_000;
const dist = (p) => pathToFileURL(join(ROOT, 'dist', p)).href;
const WebSocket = createRequire(import.meta.url)('ws');
// Wall-clock ms with sub-ms precision, comparable across the two processes of one machine.
const nowMs = () => performance.timeOrigin + performance.now();

/** The client side: CLIENTS sockets, one JSON line of results once told the last id. */
async function clients([url, token]) {
  const stats = [];
  // Per event id, when the last of the clients got it.
  const lastRecv = new Map();
  const lines = createInterface({ input: process.stdin });
  await Promise.all(
    Array.from({ length: CLIENTS }, () => {
      const s = { ids: [], latencies: [], caughtUp: false };
      stats.push(s);
      const ws = new WebSocket(url, [], { headers: { authorization: `Bearer ${token}` } });
      ws.on('message', (data) => {
        const now = nowMs();
        const m = JSON.parse(data.toString('utf8'));
        if (m.type === 'event') {
          s.ids.push(m.id);
          if (!(now <= lastRecv.get(m.id))) lastRecv.set(m.id, now);
          s.latencies.push(now - m.event.data.sentAt);
        } else if (m.type === 'hello') ws.send(JSON.stringify({ type: 'subscribe', filter: {} }));
        else if (m.type === 'caught_up') s.caughtUp = true;
      });
      s.ws = ws;
      return new Promise((resolve) => {
        const poll = setInterval(() => {
          if (s.caughtUp) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
    }),
  );
  console.log(JSON.stringify({ ready: true }));
  for await (const line of lines) {
    const { firstId, lastId } = JSON.parse(line);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && stats.some((s) => s.ids.at(-1) !== lastId)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const expected = lastId - firstId + 1;
    let lost = 0;
    let dup = 0;
    for (const s of stats) {
      const unique = new Set(s.ids.filter((id) => id >= firstId && id <= lastId));
      lost += expected - unique.size;
      dup += s.ids.length - new Set(s.ids).size;
      s.ws.terminate();
    }
    const all = stats.flatMap((s) => s.latencies);
    // exit only once the (large) line is flushed to the pipe
    process.stdout.write(
      `${JSON.stringify({
        lost,
        dup,
        delivered: all.length,
        p50: percentile(all, 50),
        p99: percentile(all, 99),
        max: all.reduce((a, b) => Math.max(a, b), 0),
        lastRecv: [...lastRecv],
      })}\n`,
      () => process.exit(0),
    );
    return;
  }
}

function startClients(url, token) {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--clients', url, token], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const out = createInterface({ input: child.stdout });
  const next = () => new Promise((resolve) => out.once('line', (l) => resolve(JSON.parse(l))));
  return { child, next };
}

/** Appends `RATE` events/s for RUN_MS through `append`, sampling this process's RSS. */
async function produce(append) {
  let rssMax = process.memoryUsage.rss();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  let firstId;
  let lastId;
  while (performance.now() - t0 < RUN_MS) {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
    if (due > n) {
      const ids = await append(n, due - n);
      firstId ??= ids[0];
      lastId = ids.at(-1);
      n = due;
    }
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
    await new Promise((r) => setTimeout(r, 2));
  }
  // This process's CPU per event (the clients run in a child): steadier than latency on a busy
  // machine, since other processes' load does not count.
  const cpu = process.cpuUsage(cpu0);
  const cpuPerEvent = (cpu.user + cpu.system) / Math.max(1, n);
  return { firstId, lastId, n, rate: n / ((performance.now() - t0) / 1000), rssMax, cpuPerEvent };
}

async function runDaemon() {
  const [{ startDaemon }, { CorePlugin }, { StreamPlugin }, { resolvePaths }, { defaultConfig }] =
    await Promise.all([
      import(dist('daemon/server.js')),
      import(dist('daemon/core-plugin.js')),
      import(dist('daemon/stream-plugin.js')),
      import(dist('config/paths.js')),
      import(dist('config/schema.js')),
    ]);
  const tmp = tempDir('ws');
  const paths = resolvePaths({ FLOTILLA_HOME: join(tmp.dir, 'state'), HOME: tmp.dir });
  const c = defaultConfig();
  const config = { ...c, server: { ...c.server, port: 0 }, log: { ...c.log, level: 'warn' } };
  const core = new CorePlugin();
  const daemon = await startDaemon({
    paths,
    config,
    plugins: [core, new StreamPlugin(core, { terminals: false })],
  });
  const rssBefore = process.memoryUsage.rss();
  const committedAt = new Map();
  const unlisten = core.store.onEvent((e) => committedAt.set(e.id, nowMs()));
  const { child, next } = startClients(`${daemon.url.replace('http', 'ws')}/api/v1/stream`, daemon.token);
  try {
    await next();
    // One transaction per tick: a single append commits at ~2,000/s on this store, below the
    // target rate; the events still reach the stream one by one, after their commit.
    const produced = await produce((from, count) =>
      core.store.transaction(async (tx) => {
        const ids = [];
        for (let i = from; i < from + count; i++) {
          const e = await tx.events.append({
            type: 'agent.hook',
            actor: 'hook',
            data: { ...HOOK, i, sentAt: nowMs() },
          });
          ids.push(e.id);
        }
        return ids;
      }),
    );
    child.stdin.write(`${JSON.stringify({ firstId: produced.firstId, lastId: produced.lastId })}\n`);
    const result = await next();
    unlisten();
    // From commit (when the stream first sees the event) to the last client's receipt: the
    // stream's own share, without the store's write time.
    const fromCommit = result.lastRecv.map(([id, at]) => at - (committedAt.get(id) ?? at));
    return { ...result, ...produced, rssBefore, commitP99: percentile(fromCommit, 99) };
  } finally {
    child.kill();
    await daemon.close();
    tmp.cleanup();
  }
}

/** The baseline: a bare ws server broadcasting the same frame shape at the same rate. */
async function runBare() {
  const { WebSocketServer } = WebSocket;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ type: 'hello', serverVersion: 'bare', lastEventId: 0 }));
    ws.on('message', () => ws.send(JSON.stringify({ type: 'caught_up', lastEventId: 0 })));
  });
  const { child, next } = startClients(`ws://127.0.0.1:${wss.address().port}`, 'x');
  try {
    await next();
    const produced = await produce(async (from, count) => {
      const ids = [];
      for (let i = from; i < from + count; i++) {
        const id = i + 1;
        const event = {
          id,
          ts: new Date().toISOString(),
          type: 'agent.hook',
          actor: 'hook',
          data: { ...HOOK, i, sentAt: nowMs() },
        };
        const frame = JSON.stringify({ type: 'event', id, event });
        for (const ws of wss.clients) ws.send(frame);
        ids.push(id);
      }
      return ids;
    });
    child.stdin.write(`${JSON.stringify({ firstId: produced.firstId, lastId: produced.lastId })}\n`);
    return { ...(await next()), ...produced };
  } finally {
    child.kill();
    await new Promise((r) => wss.close(r));
  }
}

export async function benchWsFanout() {
  console.log(`ws-fanout: ${CLIENTS} clients, ${RATE} events/s for ${RUN_MS / 1000} s`);
  const bare = await runBare();
  const d = await runDaemon();
  figure({
    name: 'events produced per second',
    value: d.rate,
    unit: 'ev/s',
    target: RATE * 0.95,
    lowerIsBetter: false,
  });
  report({ name: 'delivery p50', value: d.p50, unit: 'ms', baselineName: 'bare ws', baseline: bare.p50 });
  report({ name: 'delivery p99', value: d.p99, unit: 'ms', baselineName: 'bare ws', baseline: bare.p99 });
  figure({ name: 'delivery p99 (target)', value: d.p99, unit: 'ms', target: 100 });
  report({
    name: 'CPU per event (append + fan-out)',
    value: d.cpuPerEvent,
    unit: 'µs',
    baselineName: 'bare ws',
    baseline: bare.cpuPerEvent,
  });
  figure({ name: 'commit → last client p99', value: d.commitP99, unit: 'ms' });
  figure({ name: 'delivery max', value: d.max, unit: 'ms' });
  figure({ name: 'events lost (all clients)', value: d.lost, unit: 'ev', target: 0 });
  figure({ name: 'events duplicated (all clients)', value: d.dup, unit: 'ev', target: 0 });
  figure({ name: 'daemon RSS before', value: d.rssBefore / 2 ** 20, unit: 'MiB' });
  figure({ name: 'daemon RSS peak during fan-out', value: d.rssMax / 2 ** 20, unit: 'MiB' });
}

if (process.argv[2] === '--clients') await clients(process.argv.slice(3));
else if (import.meta.url === pathToFileURL(process.argv[1]).href) await benchWsFanout();
