import { git } from './exec.js';

/**
 * The environment of every git call that builds or lands a commit for Flotilla. Landing runs
 * unattended in the daemon, so the user's repository setup must not steer it:
 *  - hooks do not run (a pre-commit that lints, a post-rewrite that pushes: those are for the
 *    user's own commands; `core.hooksPath=/dev/null` finds none);
 *  - rerere neither resolves conflicts silently nor records into the shared rr-cache;
 *  - a repository with no identity still gets commits, from "Flotilla <flotilla@localhost>",
 *    but only when git has none of its own.
 * Config goes through GIT_CONFIG_COUNT rather than `-c` so `git worktree …` calls keep
 * `worktree` as their first argument (exec.ts serializes those per repository).
 */

const CONFIG: ReadonlyArray<readonly [string, string]> = [
  ['core.hooksPath', '/dev/null'],
  ['rerere.enabled', 'false'],
];

export const FALLBACK_NAME = 'Flotilla';
export const FALLBACK_EMAIL = 'flotilla@localhost';

/** Environment for landing git calls in `repoPath`; `author`: the commit's author comes from us too. */
export async function landingEnv(repoPath: string, author: boolean): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...configEnv() };
  const [committer, authorIdent] = await Promise.all([
    git(repoPath, ['var', 'GIT_COMMITTER_IDENT'], { allowFailure: true, env }),
    author ? git(repoPath, ['var', 'GIT_AUTHOR_IDENT'], { allowFailure: true, env }) : null,
  ]);
  if (committer.code !== 0) {
    env.GIT_COMMITTER_NAME = FALLBACK_NAME;
    env.GIT_COMMITTER_EMAIL = FALLBACK_EMAIL;
  }
  if (authorIdent && authorIdent.code !== 0) {
    env.GIT_AUTHOR_NAME = FALLBACK_NAME;
    env.GIT_AUTHOR_EMAIL = FALLBACK_EMAIL;
  }
  return env;
}

/** GIT_CONFIG_COUNT/KEY/VALUE entries for CONFIG, after any the environment already holds. */
export function configEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const start = Number(base.GIT_CONFIG_COUNT ?? 0) || 0;
  const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(start + CONFIG.length) };
  CONFIG.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${start + i}`] = key;
    env[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  return env;
}
