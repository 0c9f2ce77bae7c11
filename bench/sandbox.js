// A throwaway Flotilla home + git repo for benchmarks, driven through the real binary.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { BIN, tempDir } from './lib.js';

export function makeBenchSandbox(name, { config = '' } = {}) {
  const { dir, cleanup } = tempDir(name);
  const repo = join(dir, 'repo');
  const home = join(dir, 'state');
  const socket = `flotilla-bench-${process.pid}-${name}`;
  // The caller's own FLOTILLA_*__* settings would leak into the bench's config layers.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !(k.startsWith('FLOTILLA_') && k.includes('__'))),
  );
  const env = {
    ...inherited,
    HOME: dir,
    FLOTILLA_HOME: home,
    XDG_CONFIG_HOME: join(dir, 'config'),
    NO_COLOR: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    FLOTILLA_SERVER__PORT: '0',
    FLOTILLA_TMUX__SOCKET: socket,
  };
  mkdirSync(join(dir, 'config', 'flotilla'), { recursive: true });
  writeFileSync(join(dir, 'config', 'flotilla', 'config.yaml'), config);
  mkdirSync(repo);
  const git = (args, cwd = repo) =>
    execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  git(['init', '-q', '-b', 'main']);
  const flotilla = (args) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: repo, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`flotilla ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  const api = (method, path, body) => {
    const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8'));
    const token = readFileSync(join(home, 'token'), 'utf8').trim();
    const url = new URL(`/api/v1${path}`, info.url);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () =>
            res.statusCode < 400 ? resolve(JSON.parse(text)) : reject(new Error(`${res.statusCode} ${text}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  };
  const daemonPid = () => JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')).pid;
  return {
    dir,
    repo,
    home,
    env,
    socket,
    git,
    flotilla,
    api,
    daemonPid,
    cleanup() {
      spawnSync(process.execPath, [BIN, 'daemon', 'stop'], { env, stdio: 'ignore' });
      spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
      cleanup();
    },
  };
}

/** Write `count` small files in `dirs` folders and commit them (a repo of realistic size). */
export function fillRepo(sb, count, dirs = 200) {
  const per = Math.ceil(count / dirs);
  let n = 0;
  for (let d = 0; d < dirs && n < count; d++) {
    const folder = join(sb.repo, `pkg${d}`);
    mkdirSync(folder);
    for (let f = 0; f < per && n < count; f++, n++)
      writeFileSync(join(folder, `file${f}.ts`), `export const v${n} = ${n};\n`);
  }
  sb.git(['add', '-A']);
  sb.git(['commit', '-q', '-m', `${count} files`]);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(check, what, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * The environment a hook fired on behalf of a running agent needs: the agent's id and its own
 * token, read where its hooks find it, in the agent process's environment (Linux /proc).
 */
export function agentHookEnv(sb, agent, daemonUrl) {
  const environ = readFileSync(`/proc/${agent.pid}/environ`, 'utf8').split('\0');
  const token = environ
    .find((e) => e.startsWith('FLOTILLA_AGENT_TOKEN='))
    ?.slice('FLOTILLA_AGENT_TOKEN='.length);
  if (!token) throw new Error(`agent ${agent.id} (pid ${agent.pid}) has no FLOTILLA_AGENT_TOKEN`);
  return {
    ...sb.env,
    FLOTILLA_AGENT_ID: agent.id,
    FLOTILLA_DAEMON_URL: daemonUrl,
    FLOTILLA_AGENT_TOKEN: token,
  };
}

/** Fires a hook exactly as Claude Code does: `flotilla hook`, the JSON payload on stdin. */
export function fireHook(env, payload) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'hook'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', () => resolve());
    child.stdin.end(JSON.stringify(payload));
  });
}
