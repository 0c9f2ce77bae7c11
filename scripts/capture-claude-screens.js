#!/usr/bin/env node
// Capture real Claude Code TUI screens as test fixtures, against the scripted model (dist/sim).
//
//   node scripts/capture-claude-screens.js <claude binary> <out dir>
//
// Writes <name>.<version>.txt for: the trust dialog of an untrusted folder (and after one Down),
// idle, working, a Bash permission dialog (and after moving to "No"), the finished turn, and the
// custom API key dialog (a HOME that never answered it). Needs `npm run build` (dist/) and root:
// it re-runs itself inside a loopback-only network namespace (`unshare -n`), with its own HOME
// and the variables that turn off vendor traffic, so Claude Code can reach nothing but the sim.
// Temp paths in the screens are replaced by /home/dev/repo.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [claude, outArg] = process.argv.slice(2);
if (!claude || !outArg) {
  console.error('usage: capture-claude-screens.js <claude binary> <out dir>');
  process.exit(2);
}
const out = resolve(outArg);

if (process.env.FLOTILLA_CAPTURE_IN_NETNS !== '1') {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    'unshare',
    ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, self, resolve(claude), out],
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
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cc-capture-')));
const socket = join(dir, 'tmux.sock');
const sim = await startSimServer({
  script: {
    conversations: [
      {
        name: 'perm',
        steps: [
          simStep.slow(3_000, simStep.bash('echo approved > marker.txt', 'Write a marker file')),
          simStep.text('Done.'),
        ],
      },
    ],
  },
});

const tmux = (...args) => spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
const screen = (s) => tmux('capture-pane', '-p', '-t', s).stdout;
const clean = (text, repo) => `${text.replaceAll(repo, '/home/dev/repo').replace(/\n+$/, '')}\n`;

async function waitScreen(s, test, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen(s);
    if (test(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} never showed within ${timeoutMs} ms; screen:\n${last}`);
}

/** Like waitScreen, but the screen must also stay the same for `quietMs`: 2.1.332 draws its
 *  trust dialog, then redraws it ~150 ms later with the cursor back on "No, exit". */
async function settledScreen(s, test, what, quietMs = 600) {
  let seen = await waitScreen(s, test, what);
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = await waitScreen(s, test, what);
    if (now !== seen) [seen, since] = [now, Date.now()];
    else if (Date.now() - since >= quietMs) return now;
  }
}

function save(name, text, repo) {
  const file = join(out, `${name}.${version}.txt`);
  writeFileSync(file, clean(text, repo));
  console.log(`wrote ${file}`);
}

/** A fresh HOME and git repo; `trusted`/`apiKeyAnswered` choose which first-run dialogs show. */
async function world(name, { trusted, apiKeyAnswered }) {
  const home = join(dir, name, 'home');
  const repo = join(dir, name, 'repo');
  mkdirSync(repo, { recursive: true });
  const git = {
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t.invalid',
  };
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  spawnSync('git', ['commit', '-q', '--allow-empty', '-m', 'initial'], {
    cwd: repo,
    env: { ...process.env, ...git },
  });
  await seedClaudeHome(home, { trustedPaths: trusted ? [repo] : [] });
  if (!apiKeyAnswered) {
    const file = join(home, '.claude.json');
    const { readFileSync } = await import('node:fs');
    const config = JSON.parse(readFileSync(file, 'utf8'));
    delete config.customApiKeyResponses;
    writeFileSync(file, JSON.stringify(config));
  }
  const env = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    HOME: home,
    ...git,
    ...simClaudeEnv(sim.url),
  };
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const session = `cc-${name}`;
  const r = tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '120',
    '-y',
    '40',
    '-c',
    repo,
    ...envArgs,
    '--',
    claude,
    '--session-id',
    crypto.randomUUID(),
    '--permission-mode',
    'default',
  );
  if (r.status !== 0) throw new Error(`tmux new-session: ${r.stderr}`);
  return { session, repo };
}

const cursorOn = (text) => (s) => new RegExp(`❯\\s*(?:\\d+\\.\\s*)?${text}`).test(s);
const key = (s, k) => tmux('send-keys', '-t', s, k);

try {
  mkdirSync(out, { recursive: true });
  // 1. Untrusted folder: trust dialog, one key at a time to "Yes", then a turn with a Bash approval.
  const a = await world('trust', { trusted: false, apiKeyAnswered: true });
  const trust = await settledScreen(
    a.session,
    (s) => /trust this folder/i.test(s) && /❯/.test(s),
    'the trust dialog',
  );
  save('trust-dialog', trust, a.repo);
  if (!cursorOn('Yes, I trust')(trust)) {
    key(a.session, 'Down');
    save(
      'trust-dialog-yes',
      await waitScreen(a.session, cursorOn('Yes, I trust'), 'the cursor on Yes'),
      a.repo,
    );
  }
  key(a.session, 'Enter');
  save('idle', await waitScreen(a.session, (s) => /\? for shortcuts/.test(s), 'the idle screen'), a.repo);
  tmux('send-keys', '-t', a.session, '-l', '[[sim:perm]] write the marker');
  key(a.session, 'Enter');
  save('working', await waitScreen(a.session, (s) => /esc to interrupt/i.test(s), 'the spinner'), a.repo);
  const perm = await settledScreen(
    a.session,
    (s) => /Do you want to proceed\?/.test(s),
    'the permission dialog',
  );
  save('permission-dialog', perm, a.repo);
  // Where "No" is, and what it offers once highlighted (a message box? "Tab to amend"?).
  let at = perm;
  for (let i = 0; i < 5 && !cursorOn('No')(at); i++) {
    const before = at;
    key(a.session, 'Down');
    at = await waitScreen(a.session, (s) => s !== before, 'the cursor to move');
  }
  save('permission-dialog-no', at, a.repo);
  // Back to "Yes" (one key per redraw), then approve.
  const onYes = (s) => /❯\s*(?:1\.\s*)?Yes\s*$/m.test(s);
  for (let i = 0; i < 5 && !onYes(at); i++) {
    const before = at;
    key(a.session, 'Up');
    at = await waitScreen(a.session, (s) => s !== before, 'the cursor to move back');
  }
  key(a.session, 'Enter');
  save(
    'turn-done',
    await waitScreen(
      a.session,
      (s) => /● Done\./.test(s) && /\? for shortcuts/.test(s),
      'the end of the turn',
    ),
    a.repo,
  );

  // 2. A HOME that never answered the custom API key question.
  const b = await world('apikey', { trusted: true, apiKeyAnswered: false });
  save(
    'apikey-dialog',
    await settledScreen(b.session, (s) => /API key/i.test(s) && /❯/.test(s), 'the API key dialog'),
    b.repo,
  );
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  tmux('kill-server');
  // Give the killed CLIs a moment to stop writing into their HOMEs before the temp dir goes.
  await new Promise((r) => setTimeout(r, 500));
  await sim.close();
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
