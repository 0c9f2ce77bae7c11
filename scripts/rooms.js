// Rooms: which source files two data paths of Flotilla actually walk at run time (issue 11's
// "rooms"), measured with V8's precise coverage rather than read off the import graph (which
// counts what could be reached, not what a call goes through).
//
//   npm run build && node scripts/rooms.js [--root <checkout>] [--quiet] [--fns] [--repeat N]
//
// --root: a checkout whose dist/ to load (default: this one), so one copy of the script measures
// an older commit's build too. A real daemon (core, supervisor, stream and web plugins, as
// `flotilla serve` assembles them) runs in THIS process from <root>/dist, on a temp
// FLOTILLA_HOME, port 0, and a private tmux socket. A `ws` stream client is subscribed to every
// event. Then, per path:
//   (a) start:  POST /api/v1/agents (a custom agent running `sleep 600`) until the response is in
//               and its tmux session exists;
//   (b) hook:   a Claude Code–kind agent (a stand-in command that idles) gets a PreToolUse hook,
//               written by dist/agents/hook-cli.js's own runHook (the line appended to the
//               agent's events.jsonl; older builds then poked over HTTP), until the stream client receives that
//               agent's agent.status_changed;
//   (b') the same hook as the per-agent hook.sh that Claude Code really runs writes it: the line
//               only (the daemon watches the file).
// Each path is done once unmeasured first (lazy imports and first-time work are not the path).
// Then an idle window (6 s: the health tick is 1 s, the resource sample 5 s), then the action
// three times, each in its own coverage window that closes once the effect is seen, after pauses
// of different lengths. A file counts as walked when it ran in EVERY window; one that ran in only
// some was a timer firing by chance and is listed apart. Each walked file also shows how many of
// its functions that ran did not run in the idle window (0: all it did also happens on timers,
// e.g. the store or the tmux client, but the action ran it every time, so it counts) and how
// many calls went into it (the median window): a rough sign of back-and-forth.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROOT = resolve(opt('--root') ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const QUIET = args.includes('--quiet');
const FNS = args.includes('--fns'); // also name the functions that ran in each walked file
const DIST = join(ROOT, 'dist');
const IDLE_MS = 6_000; // covers the 1 s health tick and the 5 s resource sample at least once
const REPEAT = Number(opt('--repeat') ?? 3); // measured windows per path
const WebSocket = createRequire(import.meta.url)('ws');
const dist = (p) => import(pathToFileURL(join(DIST, p)).href);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, what, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// ---- the coverage window -------------------------------------------------------------------
const inspector = new Session();
inspector.connect();
await inspector.post('Profiler.enable');
await inspector.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });

/** Per dist file, the functions (name@offset → call count) that ran since the last take. */
async function take() {
  const { result } = await inspector.post('Profiler.takePreciseCoverage'); // also resets counts
  const files = new Map();
  for (const script of result) {
    if (!script.url.startsWith('file://')) continue;
    const file = fileURLToPath(script.url);
    if (!file.startsWith(`${DIST}/`)) continue;
    const ran = script.functions.filter((f) => f.ranges[0].count > 0);
    if (ran.length)
      files.set(
        file,
        new Map(ran.map((f) => [`${f.functionName}@${f.ranges[0].startOffset}`, f.ranges[0].count])),
      );
  }
  return files;
}

/** dist/x/y.js → src/x/y.ts (marked when no such source exists: a stale build file). */
function srcName(file) {
  const rel = relative(DIST, file).replace(/\.js$/, '.ts');
  return existsSync(join(ROOT, 'src', rel)) ? `src/${rel}` : `dist/${relative(DIST, file)} (no src)`;
}

/**
 * One idle window of IDLE_MS, then the action REPEAT times, each in its own coverage window
 * (resolving once its effect is seen; `after` runs outside it), after pauses of different lengths so the windows fall at
 * different phases of the daemon's timers. Walked: the files active in EVERY window. A file
 * active in only some windows was a timer that happened to fire then ("sometimes", set apart).
 * Each walked file also says how many of its functions that ran did not run in the idle window:
 * 0 means everything it did also happens on the daemon's timers (the store, the tmux client);
 * such a file is still counted, since the action ran it in every window.
 */
/** Calls into a file's functions in one window (the median window): entries into that room. */
const sumCalls = (ws, file) =>
  ws.map((w) => [...w.files.get(file).values()].reduce((a, n) => a + n, 0)).sort((a, b) => a - b)[
    Math.floor(ws.length / 2)
  ];

async function measure(name, action, after = async () => {}) {
  await take();
  await sleep(IDLE_MS);
  const idle = await take();
  const windows = [];
  for (let i = 0; i < REPEAT; i++) {
    await sleep(700 + 450 * i);
    await take();
    const t0 = performance.now();
    const note = await action();
    const ms = performance.now() - t0;
    windows.push({ note, ms, files: await take() });
    await after(); // unmeasured: puts things back for the next window
  }
  const all = new Set(windows.flatMap((w) => [...w.files.keys()]));
  const walked = [];
  const sometimes = [];
  for (const file of all) {
    const inWindows = windows.filter((w) => w.files.has(file));
    if (inWindows.length < windows.length) {
      sometimes.push(`${srcName(file)} (${inWindows.length}/${windows.length})`);
      continue;
    }
    const fns = new Set(inWindows.flatMap((w) => [...w.files.get(file).keys()]));
    const fresh = [...fns].filter((f) => !idle.get(file)?.has(f)).length;
    walked.push({ file: srcName(file), fns, fresh, calls: sumCalls(inWindows, file) });
  }
  const byName = (a, b) => a.file.localeCompare(b.file);
  return { name, windows, walked: walked.sort(byName), sometimes: sometimes.sort(), idle };
}

// ---- a daemon in this process ---------------------------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'flotilla-rooms-'));
const home = join(tmp, 'state');
const repo = join(tmp, 'repo');
const socket = `flotilla-rooms-${process.pid}`;
// The daemon and git run with this process's environment: keep them off the user's own files.
for (const k of Object.keys(process.env)) if (k.startsWith('FLOTILLA_')) delete process.env[k];
Object.assign(process.env, {
  HOME: tmp,
  XDG_CONFIG_HOME: join(tmp, 'config'),
  XDG_DATA_HOME: join(tmp, 'data'),
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'rooms',
  GIT_AUTHOR_EMAIL: 'rooms@example.invalid',
  GIT_COMMITTER_NAME: 'rooms',
  GIT_COMMITTER_EMAIL: 'rooms@example.invalid',
});
mkdirSync(repo);
execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'init'], { cwd: repo });
// Stands in for the claude binary: takes any arguments and idles.
const fakeClaude = join(tmp, 'fake-claude');
writeFileSync(fakeClaude, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });

const [{ startDaemon }, { ConfigSchema }, { resolvePaths }, { runHook }] = await Promise.all([
  dist('daemon/server.js'),
  dist('config/schema.js'),
  dist('config/paths.js'),
  dist('agents/hook-cli.js'),
]);
// The full daemon's plugin list: daemon/plugins.js now, daemon/core-plugin.js before ADR 0018.
const { defaultPlugins } = await dist(
  existsSync(join(DIST, 'daemon/plugins.js')) ? 'daemon/plugins.js' : 'daemon/core-plugin.js',
);
const config = ConfigSchema.parse({
  server: { port: 0 },
  tmux: { socket },
  worktrees: { root: join(tmp, 'worktrees') },
  log: { level: 'warn' },
  limits: { max_concurrent: 20 },
  agent: 'idle',
  agents: {
    idle: { adapter: 'custom', command: 'sh', args: ['-c', 'exec sleep 600', 'idle'] },
    'claude-code': { command: fakeClaude },
  },
});
const paths = resolvePaths({ FLOTILLA_HOME: home, HOME: tmp });
const daemon = await startDaemon({
  paths,
  config,
  plugins: await defaultPlugins({ webRoot: join(tmp, 'no-web') }),
});

const api = async (method, path, body) => {
  const res = await fetch(`${daemon.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};

// The stream client, as the web app's: every event, after the replay.
const events = [];
const ws = new WebSocket(`${daemon.url.replace(/^http/, 'ws')}/api/v1/stream`, {
  headers: { authorization: `Bearer ${daemon.token}` },
});
let caughtUp = false;
ws.on('message', (raw) => {
  const m = JSON.parse(raw.toString('utf8'));
  if (m.type === 'hello') ws.send(JSON.stringify({ type: 'subscribe', filter: {} }));
  else if (m.type === 'caught_up') caughtUp = true;
  else if (m.type === 'event') events.push(m.event);
});

const results = [];
try {
  await until(() => caughtUp, 'the stream client to catch up');
  const repoId = (await api('POST', '/repos', { path: repo })).repo.id;
  const task = async (title) => (await api('POST', '/tasks', { repoId, title })).id;
  const hasSession = (name) =>
    spawnSync('tmux', ['-L', socket, 'has-session', '-t', `=${name}`], { stdio: 'ignore' }).status === 0;

  // (a) start an agent: POST /agents → its tmux session exists.
  // Tasks are made up front: creating one is not part of starting its agent.
  const tasks = [];
  for (let i = 0; i < REPEAT + 2; i++) tasks.push(await task(`rooms ${i}`));
  const start = async (agent) => {
    const a = await api('POST', '/agents', { task: tasks.shift(), agent });
    await until(() => hasSession(a.tmuxSession), `tmux session ${a.tmuxSession}`);
    return a;
  };
  await start('idle'); // warm-up
  results.push(await measure('start (POST /agents → tmux session)', async () => (await start('idle')).id));

  // (b) a hook reaching a stream client: Claude Code–kind agent, hook line + poke → status change.
  const claude = await start('claude-code');
  const pid = await until(async () => (await api('GET', `/agents/${claude.id}`)).pid, 'the agent pid');
  const token = readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((e) => e.startsWith('FLOTILLA_AGENT_TOKEN='))
    ?.slice('FLOTILLA_AGENT_TOKEN='.length);
  const hookEnv = {
    FLOTILLA_HOME: home,
    FLOTILLA_AGENT_ID: claude.id,
    FLOTILLA_DAEMON_URL: daemon.url,
    ...(token ? { FLOTILLA_AGENT_TOKEN: token } : {}),
  };
  const base = { session_id: claude.sessionId, cwd: claude.worktreePath, transcript_path: '/dev/null' };
  const payloads = {
    PreToolUse: { ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } },
    Stop: { ...base, hook_event_name: 'Stop' },
  };
  const eventsFile = join(home, 'agents', claude.id, 'events.jsonl');
  /**
   * Fires the hook; resolves with the status change the stream client got for it. `cli`: as
   * `flotilla hook` does (hook-cli.ts's own runHook: the line, and in older builds an HTTP
   * poke); `sh`: as the per-agent hook.sh Claude Code really runs does (the same line appended: the
   * daemon's watch on the file picks it up).
   */
  const hook = async (name, how = 'cli') => {
    const seen = events.length;
    if (how === 'cli') await runHook(['hook', name], hookEnv, JSON.stringify(payloads[name]));
    else {
      const line = { ts: new Date().toISOString(), agentId: claude.id, event: name, payload: payloads[name] };
      appendFileSync(eventsFile, `${JSON.stringify(line)}\n`);
    }
    const e = await until(
      () => events.slice(seen).find((ev) => ev.type === 'agent.status_changed' && ev.agentId === claude.id),
      `agent.status_changed after ${name}`,
    );
    return `${name}: ${e.data.from} → ${e.data.to}`;
  };
  await sleep(2_000); // let the agent's start-up settle (pane watch, first samples)
  await hook('PreToolUse'); // warm-up, both ways
  await hook('Stop');
  results.push(
    await measure(
      'hook (flotilla hook, the Node fallback → stream client)',
      () => hook('PreToolUse'),
      () => hook('Stop'),
    ),
  );
  results.push(
    await measure(
      'hook (events.jsonl line as hook.sh writes it → stream client)',
      () => hook('PreToolUse', 'sh'),
      () => hook('Stop', 'sh'),
    ),
  );
} finally {
  ws.terminate();
  await daemon.close();
  spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  inspector.disconnect();
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`rooms walked at ${ROOT} (dist/ mapped back to src/ names)`);
for (const r of results) {
  const ms = r.windows.map((w) => Math.round(w.ms)).join('/');
  console.log(`\n${r.name}: ${r.walked.length} files  [${REPEAT} windows: ${ms} ms; ${r.windows[0].note}]`);
  // fns: functions of the file that ran; not idle: of those, how many did not run in the idle
  // window; calls: calls into the file's functions in the median window.
  if (!QUIET)
    for (const w of r.walked) {
      console.log(`  ${w.file.padEnd(42)} ${w.fns.size} fns, ${w.fresh} not idle, ${w.calls} calls`);
      if (FNS)
        console.log(`      ${[...w.fns].map((f) => f.replace(/@\d+$/, '') || '(anonymous)').join(', ')}`);
    }
  const list = (xs) => (xs.length ? `: ${xs.join(', ')}` : '');
  console.log(`  sometimes (not in every window: timers): ${r.sometimes.length}${list(r.sometimes)}`);
  console.log(`  idle window (${IDLE_MS / 1000} s, before the first window): ${r.idle.size} files active`);
}
