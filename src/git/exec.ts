import { FlotillaError } from '../domain/errors.js';
import { type RunResult, run } from '../proc/index.js';
import { withWorktreeLock } from './repo-lock.js';

/**
 * The one door to the git binary. Always `git -C <dir>` rather than a spawn cwd: a missing
 * directory then reads "cannot change to …" instead of a misleading "git is not installed".
 */

export const GIT_INSTALL_HINT = 'install git: apt-get install git (Debian/Ubuntu), brew install git (macOS)';

/**
 * Variables a git hook or a wrapper script may have exported; inherited, they would point every
 * git call at one repository or index whatever `-C` says.
 */
const LEAKY_GIT_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_NAMESPACE',
];

export function gitEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of LEAKY_GIT_VARS) if (!(extra && key in extra)) delete env[key];
  return env;
}

export interface GitOptions {
  /** Resolve instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /**
   * Skip optional locks (index refresh write-back): status polls must never make an agent's own
   * `git commit` in the same worktree fail on index.lock.
   */
  noOptionalLocks?: boolean;
}

/** One finished git call, for tracing and for counting spawns in benchmarks. */
export interface GitCall {
  args: readonly string[];
  code: number | null;
  durationMs: number;
}

type GitListener = (call: GitCall) => void;
const listeners = new Set<GitListener>();

/** Observe every git process this module runs; returns the unsubscribe function. */
export function onGitCall(listener: GitListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const WITH_SUBCOMMANDS = new Set(['worktree', 'remote', 'submodule']);

/** Run git in `dir` (a repository or worktree path; '' for none). */
export async function git(
  dir: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<RunResult> {
  const argv = [
    ...(options.noOptionalLocks ? ['--no-optional-locks'] : []),
    ...(dir ? ['-C', dir] : []),
    ...args,
  ];
  const spawn = () =>
    run('git', argv, {
      env: gitEnv(options.env),
      installHint: GIT_INSTALL_HINT,
      allowFailure: true,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  const result = args[0] === 'worktree' && dir ? await withWorktreeLock(dir, spawn) : await spawn();
  for (const listener of listeners)
    listener({ args: argv, code: result.code, durationMs: result.durationMs });
  if (result.code !== 0 && !options.allowFailure) {
    // "git worktree add failed: …": the subcommand, and its own subcommand when it has one.
    const what = WITH_SUBCOMMANDS.has(args[0] ?? '') ? args.slice(0, 2) : args.slice(0, 1);
    throw new FlotillaError('PROCESS_FAILED', `git ${what.join(' ')} failed: ${gitReason(result)}`);
  }
  return result;
}

/** The last meaningful line git printed, for messages ("fatal: …" without the prefix). */
export function gitReason(result: RunResult): string {
  const lines = (result.stderr.trim() || result.stdout.trim()).split('\n').filter((l) => l.trim() !== '');
  const fatal = lines.find((l) => /^(fatal|error): /.test(l));
  return (fatal ?? lines.at(-1) ?? `exited with ${result.code}`).replace(/^(fatal|error): /, '');
}
