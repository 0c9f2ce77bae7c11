import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'flotilla.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A sandbox for CLI tests: its own HOME, FLOTILLA_HOME, XDG dirs and a real git repo. */
export interface Sandbox {
  dir: string;
  home: string;
  stateDir: string;
  repo: string;
  env: NodeJS.ProcessEnv;
  /** Run the built `flotilla` binary (as a user would) with the sandbox env. */
  flotilla(
    args: string[],
    options?: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv },
  ): Promise<CliResult>;
  git(args: string[], cwd?: string): string;
  cleanup(): void;
}

export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig-none'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Flotilla Test',
    GIT_AUTHOR_EMAIL: 'test@flotilla.invalid',
    GIT_COMMITTER_NAME: 'Flotilla Test',
    GIT_COMMITTER_EMAIL: 'test@flotilla.invalid',
  };
}

export function makeSandbox(options: { repo?: boolean } = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-test-'));
  const home = join(dir, 'home');
  const stateDir = join(dir, 'state');
  const repo = join(dir, 'repo');
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: home,
    FLOTILLA_HOME: stateDir,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    NO_COLOR: '1',
    FLOTILLA_SERVER__PORT: '0',
    ...gitEnv(home),
  };
  const git = (args: string[], cwd = repo) => {
    const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  if (options.repo !== false) {
    mkdirSync(repo);
    git(['init', '-q', '-b', 'main']);
    git(['commit', '-q', '--allow-empty', '-m', 'initial commit']);
  }
  const flotilla: Sandbox['flotilla'] = (args, opts = {}) =>
    runCommand(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? repo,
      env: { ...env, ...opts.env },
      ...(opts.input === undefined ? {} : { input: opts.input }),
    });
  return {
    dir,
    home,
    stateDir,
    repo,
    env,
    flotilla,
    git,
    cleanup: () => {
      stopSandboxDaemon(stateDir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Run a command to completion, capturing its output (stdin gets `input`, or is closed). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Stop the daemon a sandbox's commands started (if any), so no test leaks a process. */
export function stopSandboxDaemon(stateDir: string): void {
  let pid: number | undefined;
  try {
    pid = (JSON.parse(readFileSync(join(stateDir, 'daemon.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  // Bounded wait for it to go, then make sure.
  const end = Date.now() + 3000;
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    spawnSync('sleep', ['0.02']);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Poll `check` until it returns a truthy value or the deadline passes; the message says what never happened. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
