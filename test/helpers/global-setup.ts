import type { TestProject } from 'vitest/node';
import { CLAUDE_CODE_NEWEST_TESTED } from '../../src/agents/claude-code/tested.js';
import { versionAtLeast } from '../../src/cli/commands/doctor.js';
import { ensureLatestClaude, type LatestClaude } from './claude-latest.js';

/**
 * Runs once per `vitest run`, before any test file: puts the newest Claude Code in the test
 * cache (see claude-latest.ts) and hands the outcome to the test workers through `inject`. It
 * never throws, so a failed install skips the tests that need it instead of failing the run.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    claudeLatest: LatestClaude;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const latest = await ensureLatestClaude().catch(
    (err: unknown): LatestClaude => ({ ok: false, reason: String(err) }),
  );
  if (!latest.ok) console.warn(`newest Claude Code unavailable, its e2e runs are skipped: ${latest.reason}`);
  else if (latest.installMs !== null)
    console.log(
      `installed Claude Code ${latest.version} in ${(latest.installMs / 1000).toFixed(1)} s: ${latest.path}`,
    );
  if (latest.ok && !versionAtLeast(CLAUDE_CODE_NEWEST_TESTED, latest.version)) {
    // Not a failure: a release is not our bug. Once the suite passes on it, raise the constant.
    console.warn(
      `Claude Code ${latest.version} is newer than CLAUDE_CODE_NEWEST_TESTED (${CLAUDE_CODE_NEWEST_TESTED}): if the e2e tests pass on it, raise the constant in src/agents/claude-code/tested.ts`,
    );
  }
  project.provide('claudeLatest', latest);
}
