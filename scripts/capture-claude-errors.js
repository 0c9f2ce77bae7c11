#!/usr/bin/env node
// Capture what the real Claude Code reports when the API fails, as test fixtures, against the
// scripted model (dist/sim).
//
//   node scripts/capture-claude-errors.js <claude binary> <out dir> [scenario…]
//
// Headless (`-p --output-format stream-json --verbose`, default permission mode) writes
// stream-json.<scenario>.<version>.jsonl and hooks.<scenario>.<version>.jsonl (the payloads of
// StopFailure, Stop, PermissionRequest and SessionEnd) for: a 400 invalid_request_error, a 429
// whose retry-after is over 60 s (with anthropic-ratelimit-* reset headers), 429s retried to
// success, 529s retried to success, and a Bash call denied in the default permission mode.
// The TUI writes screen.<scenario>.<version>.txt: Claude Code's own retry wait after a 429, and
// the screen after it gave up on a 429 (plus its hooks). Needs `npm run build` (dist/) and root:
// it re-runs itself in a loopback-only network namespace (`unshare -n`) with its own HOME and
// the variables that turn off vendor traffic. Temp paths become /home/dev/repo.
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [claude, outArg, ...only] = process.argv.slice(2);
if (!claude || !outArg) {
  console.error('usage: capture-claude-errors.js <claude binary> <out dir> [scenario…]');
  process.exit(2);
}
const out = resolve(outArg);

if (process.env.FLOTILLA_CAPTURE_IN_NETNS !== '1') {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    'unshare',
    [
      '-n',
      'sh',
      '-c',
      'ip link set lo up && exec "$@"',
      'sh',
      process.execPath,
      self,
      resolve(claude),
      out,
      ...only,
    ],
    { stdio: 'inherit', env: { ...process.env, FLOTILLA_CAPTURE_IN_NETNS: '1' } },
  );
  process.exit(r.status ?? 1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startSimServer, seedClaudeHome, simClaudeEnv, simStep } = await import(
  join(root, 'dist/sim/index.js')
);

const version = /\d+\.\d+\.\d+/.exec(
  spawnSync(claude, ['--version'], { encoding: 'utf8', env: { HOME: tmpdir() } }).stdout,
)?.[0];
if (!version) throw new Error(`${claude} --version printed no version`);
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cc-errors-')));
const socket = join(dir, 'tmux.sock');

const resetIn = (s) => {
  const at = new Date(Date.now() + s * 1000);
  return {
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': String(Math.floor(at.getTime() / 1000)),
    'anthropic-ratelimit-requests-reset': at.toISOString(),
  };
};

const scenarios = {
  e400: { steps: [simStep.error(400, { message: 'messages.0.content: field required' })] },
  'e429-long': { steps: [simStep.error(429, { retryAfter: 90, headers: resetIn(90), times: 3 })] },
  'e429-retried': { steps: [simStep.error(429, { retryAfter: 1, times: 2 }), simStep.text('Done.')] },
  'e529-retried': { steps: [simStep.error(529, { times: 2 }), simStep.text('Done.')] },
  denied: { steps: [simStep.bash('echo hi > denied.txt', 'Write a file'), simStep.text('Done.')] },
};
const tuiScenarios = {
  'tui-429-retrying': { steps: [simStep.error(429, { retryAfter: 30, times: 1 }), simStep.text('Done.')] },
  'tui-429-gave-up': { steps: [simStep.error(429, { retryAfter: 90, headers: resetIn(90), times: 3 })] },
};

const sim = await startSimServer({
  script: {
    conversations: Object.entries({ ...scenarios, ...tuiScenarios }).map(([name, c]) => ({
      name,
      steps: c.steps,
    })),
  },
});

const clean = (text, repo) =>
  `${text.replaceAll(repo, '/home/dev/repo').replaceAll(dir, '/tmp/x').replace(/\n+$/, '')}\n`;
const save = (name, text, repo) => {
  const file = join(out, `${name}.${version}.${name.startsWith('screen') ? 'txt' : 'jsonl'}`);
  writeFileSync(file, clean(text, repo));
  console.log(`wrote ${file}`);
};

async function world(name) {
  const home = join(dir, name, 'home');
  const repo = join(dir, name, 'repo');
  mkdirSync(repo, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  await seedClaudeHome(home, { trustedPaths: [repo] });
  const hooksFile = join(dir, name, 'hooks.jsonl');
  writeFileSync(hooksFile, '');
  const hook = { type: 'command', command: `cat >> ${hooksFile}; echo >> ${hooksFile}` };
  const settings = join(dir, name, 'settings.json');
  writeFileSync(
    settings,
    JSON.stringify({
      hooks: Object.fromEntries(
        ['StopFailure', 'Stop', 'PermissionRequest', 'SessionEnd', 'Notification'].map((e) => [
          e,
          [{ matcher: '*', hooks: [hook] }],
        ]),
      ),
    }),
  );
  const env = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    HOME: home,
    ...simClaudeEnv(sim.url),
  };
  return { home, repo, hooksFile, settings, env };
}

const wanted = (name) => only.length === 0 || only.includes(name);
mkdirSync(out, { recursive: true });
try {
  for (const name of Object.keys(scenarios).filter(wanted)) {
    const w = await world(name);
    const started = Date.now();
    // Async: the sim server answers from this same process.
    const r = await runAsync(
      claude,
      [
        '-p',
        `[[sim:${name}]] go`,
        '--output-format',
        'stream-json',
        '--verbose',
        '--settings',
        w.settings,
        '--session-id',
        crypto.randomUUID(),
      ],
      { cwd: w.repo, env: w.env },
    );
    console.log(
      `${name}: exit ${r.status} after ${Date.now() - started} ms; stderr: ${r.stderr.trim().slice(0, 300)}`,
    );
    save(`stream-json.${name}`, r.stdout, w.repo);
    save(`hooks.${name}`, readFileSync(w.hooksFile, 'utf8').replace(/\n\n+/g, '\n'), w.repo);
  }
  const tmux = (...args) => spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  for (const name of Object.keys(tuiScenarios).filter(wanted)) {
    const w = await world(name);
    const envArgs = Object.entries(w.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const session = `cc-${name}`;
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '120',
      '-y',
      '40',
      '-c',
      w.repo,
      ...envArgs,
      '--',
      claude,
      '--session-id',
      crypto.randomUUID(),
      '--permission-mode',
      'default',
      '--settings',
      w.settings,
      `[[sim:${name}]] go`,
    );
    const want = name === 'tui-429-retrying' ? /Retrying in \d+s/ : /Request rejected|API Error/;
    const deadline = Date.now() + 60_000;
    let screen = '';
    while (Date.now() < deadline) {
      screen = tmux('capture-pane', '-p', '-t', session).stdout;
      if (want.test(screen)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!want.test(screen)) console.log(`${name}: ${want} never showed; screen:\n${screen}`);
    // Let hooks land and the screen settle.
    await new Promise((r) => setTimeout(r, 1500));
    screen = tmux('capture-pane', '-p', '-t', session).stdout;
    save(`screen.${name}`, screen, w.repo);
    save(`hooks.${name}`, readFileSync(w.hooksFile, 'utf8').replace(/\n\n+/g, '\n'), w.repo);
    tmux('kill-session', '-t', session);
  }
  appendFileSync(
    join(out, 'requests.log'),
    `${JSON.stringify(sim.requests.map((q) => [q.conversation, q.status]))}\n`,
  );
} finally {
  tmux0();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
function tmux0() {
  spawnSync('tmux', ['-S', socket, 'kill-server']);
}

function runAsync(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGTERM'), 240_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
