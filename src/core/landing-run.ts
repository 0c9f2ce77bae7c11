import type { Config } from '../config/schema.js';
import type { Actor } from '../domain/event.js';
import type { ConflictFileInfo, Landing, LandingFailure } from '../domain/landing.js';
import type { Repo } from '../domain/repo.js';
import { taskMoveRefusal } from '../domain/task.js';
import { LIVE_AGENT_STATUSES } from '../domain/values.js';
import type { Store } from '../store/index.js';
import type { SupervisorLogger } from '../supervisor/index.js';
import { sendableAgent } from './review.js';
import { removeTaskWorktree } from './worktrees.js';

/**
 * One landing, step by step. Each step is recorded before it is taken; the base moves in one
 * atomic step (compare-and-swap on the ref, or a fast-forward of the worktree that has it checked
 * out), after the prepared commit and the base it was built on are recorded. So a crash leaves
 * the base before or after the landing, and recovery can tell which (landing-recovery.ts).
 */

/** What the queue needs of the agents side. */
export interface LandingAgents {
  configFor(repo: Pick<Repo, 'id' | 'path'>): Config;
  /** The message in the agent's own conversation: typed when it runs, resumed with it when it ended. */
  resumeWith(agentId: string, text: string, actor: Actor): Promise<void>;
  stop(agentId: string, actor: Actor, reason?: string): Promise<unknown>;
  /** Hides an ended agent from the fleet (its row stays, for history: `ps --all`). */
  remove(agentId: string, actor: Actor): Promise<unknown>;
}

export interface LandingRunDeps {
  store: Store;
  logger: SupervisorLogger;
  agents: () => LandingAgents;
  scratchPath(landingId: string): string;
}

/** The queue's own writes (events, task moves) are the scheduler's. */
export const LANDING_ACTOR: Actor = 'scheduler';
/** The base may move under a landing (someone pushed); it is rebuilt on the new base this often. */
const MAX_BASE_RACES = 3;
/** What of a verify's output is kept: its tail. */
const VERIFY_OUTPUT_MAX = 64 * 1024;
/** What of a conflict or a verify's output goes to the agent in its message. */
const MESSAGE_MAX = 6_000;

type Outcome =
  | { kind: 'landed' }
  | {
      kind: 'failed';
      failure: LandingFailure;
      message: string;
      conflicts?: ConflictFileInfo[];
      output?: string;
    };

export async function runLanding(deps: LandingRunDeps, landing: Landing): Promise<void> {
  const { store } = deps;
  const repo = await store.repos.get(landing.repoId);
  const task = await store.tasks.get(landing.taskId);
  if (!repo || !task) {
    await store.landings.failed(
      landing,
      { failure: 'error', message: 'its task or repo was deleted', attempt: 1, sentBack: false },
      LANDING_ACTOR,
    );
    return;
  }
  const config = deps.agents().configFor(repo);
  const git = await import('../git/index.js');
  const scratch = deps.scratchPath(landing.id);
  let outcome: Outcome;
  try {
    outcome = await attempt();
  } catch (err) {
    outcome = git.isNothingToLand(err)
      ? { kind: 'failed', failure: 'empty', message: `nothing to land: ${(err as Error).message}` }
      : { kind: 'failed', failure: 'error', message: err instanceof Error ? err.message : String(err) };
  } finally {
    await git.removeScratch(repo.path, scratch).catch(() => undefined);
  }
  if (outcome.kind === 'failed') await failed(deps, landing, config, outcome);

  async function attempt(): Promise<Outcome> {
    for (let race = 0; race < MAX_BASE_RACES; race++) {
      await holdForTest(scratch, 'predict');
      await store.landings.step(landing, 'predict', LANDING_ACTOR);
      const baseBefore = await git.resolveRef(repo!.path, `refs/heads/${landing.baseRef}`);
      const prediction = await git.predictMerge(repo!.path, baseBefore, landing.branch);
      if (!prediction.clean) return conflictOutcome(landing, prediction.conflicts);

      await holdForTest(scratch, 'prepare');
      await store.landings.step(landing, 'prepare', LANDING_ACTOR, { baseBefore });
      await git.removeScratch(repo!.path, scratch);
      const prepared = await git.prepareLanding({
        repoPath: repo!.path,
        scratchPath: scratch,
        baseCommit: baseBefore,
        branch: landing.branch,
        strategy: landing.strategy,
        message: `${task!.title}\n\nLanded by Flotilla from ${landing.branch} (task ${task!.id}).`,
        // Only verify runs in the scratch worktree: without it, the commit is all we need.
        checkout: config.landing.verify !== null,
      });
      if (!prepared.ok) return conflictOutcome(landing, prepared.conflicts);

      if (config.landing.verify !== null) {
        await holdForTest(scratch, 'verify');
        await store.landings.step(landing, 'verify', LANDING_ACTOR, { commit: prepared.commit });
        const verified = await runVerify(scratch, config);
        await store.landings.step(landing, 'verify', LANDING_ACTOR, {
          verifyOutput: verified.output,
          verifyExit: verified.exit ?? -1,
        });
        if (!verified.ok) {
          return {
            kind: 'failed',
            failure: 'verify',
            message: `verify (${config.landing.verify}) ${verified.how} on ${landing.branch} rebuilt on ${landing.baseRef}`,
            output: verified.output,
          };
        }
      }

      await holdForTest(scratch, 'advance');
      await store.landings.step(landing, 'advance', LANDING_ACTOR, { baseBefore, commit: prepared.commit });
      const moved = await git.advanceBase({
        repoPath: repo!.path,
        baseRef: landing.baseRef,
        from: baseBefore,
        to: prepared.commit,
      });
      if (!moved.advanced && moved.reason === 'moved') continue; // built again on the new base
      if (!moved.advanced) {
        return {
          kind: 'failed',
          failure: 'dirty',
          message: `${landing.baseRef} is checked out in ${moved.worktree} with local changes this landing would overwrite (${moved.files.join(', ')}); nothing was changed. Commit or stash them, then: flotilla land ${task!.id}`,
        };
      }
      await store.landings.step(landing, 'finish', LANDING_ACTOR, { baseBefore, commit: prepared.commit });
      await holdForTest(scratch, 'finish');
      await finishLanding(deps, landing, { baseBefore, commit: prepared.commit, how: moved.how });
      return { kind: 'landed' };
    }
    return {
      kind: 'failed',
      failure: 'error',
      message: `${landing.baseRef} kept moving while the landing was built (${MAX_BASE_RACES} times)`,
    };
  }
}

/**
 * For the crash tests only (test/cli/landing-crash.test.ts): with FLOTILLA_TEST_LANDING_HOLD set
 * to a step, a landing stops for good at that step (before it; for `finish`, once the base has
 * moved) and says so in `<scratch>.held-<step>`, so the test can kill -9 the daemon right there.
 * Unset (always, outside those tests), it costs one comparison.
 */
async function holdForTest(scratch: string, step: string): Promise<void> {
  if (process.env.FLOTILLA_TEST_LANDING_HOLD !== step) return;
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(scratch), { recursive: true });
  writeFileSync(`${scratch}.held-${step}`, String(process.pid));
  await new Promise<never>(() => {});
}

/** Marks the landing landed and its task done (one transaction), then tidies up per policy. */
export async function finishLanding(
  deps: Pick<LandingRunDeps, 'store' | 'logger' | 'agents'>,
  landing: Landing,
  moved: { baseBefore: string; commit: string; how: string },
): Promise<void> {
  const { store } = deps;
  await store.transaction(async (tx) => {
    await tx.landings.landed(landing, moved, LANDING_ACTOR);
    const task = await tx.tasks.get(landing.taskId);
    if (task && taskMoveRefusal(task.status, 'done', LANDING_ACTOR) === null && task.status !== 'done') {
      await tx.tasks.move(task.id, 'done', LANDING_ACTOR);
    }
  });
  const repo = await store.repos.get(landing.repoId);
  if (!repo || !deps.agents().configFor(repo).landing.remove_worktree) return;
  try {
    // Its work is on the base: the agent is done, not "stopped by the user", and leaves the fleet.
    for (const agent of await store.agents.list({ taskId: landing.taskId })) {
      if (LIVE_AGENT_STATUSES.includes(agent.status)) {
        await deps.agents().stop(agent.id, LANDING_ACTOR, 'stopped: its task landed');
      }
      await deps.agents().remove(agent.id, LANDING_ACTOR);
    }
    const worktree = await store.worktrees.byTask(landing.taskId);
    if (worktree) {
      const removed = await removeTaskWorktree(
        store,
        worktree,
        repo,
        { force: false, deleteBranch: true },
        LANDING_ACTOR,
      );
      if (removed.errors.length > 0) {
        deps.logger.warn(
          { errors: removed.errors, landingId: landing.id },
          'landing: landed, but tidying up failed',
        );
      }
    }
  } catch (err) {
    // The work is on the base already: a worktree left behind is tidied by `worktree clean --merged`.
    deps.logger.warn({ err, landingId: landing.id }, 'landing: landed, but its worktree was not removed');
  }
}

/** Records the failure; sends the task back to its live agent while attempts remain. */
async function failed(
  deps: LandingRunDeps,
  landing: Landing,
  config: Config,
  outcome: Extract<Outcome, { kind: 'failed' }>,
): Promise<void> {
  const { store } = deps;
  const earlier = (await store.landings.list({ taskId: landing.taskId })).filter(
    (l) => l.id !== landing.id && (l.failure === 'conflict' || l.failure === 'verify'),
  ).length;
  const attempt = earlier + 1;
  const returnable = outcome.failure === 'conflict' || outcome.failure === 'verify';
  const agent = await sendableAgent(store, landing.taskId);
  const sendBack = returnable && agent !== null && attempt < config.landing.max_attempts;
  let message = outcome.message;
  if (sendBack && agent) {
    try {
      await deps.agents().resumeWith(agent.id, agentMessage(landing, outcome), LANDING_ACTOR);
      const task = await store.tasks.get(landing.taskId);
      if (task && taskMoveRefusal(task.status, 'in_progress', LANDING_ACTOR) === null) {
        await store.tasks.move(task.id, 'in_progress', LANDING_ACTOR);
      }
    } catch (err) {
      message += ` (it could not go back to agent ${agent.id}: ${err instanceof Error ? err.message : String(err)})`;
      await store.landings.failed(landing, { ...record(), message, sentBack: false }, LANDING_ACTOR);
      return;
    }
  } else if (returnable) {
    message +=
      attempt >= config.landing.max_attempts
        ? `; ${attempt} landings failed (landing.max_attempts): over to you. See flotilla review ${landing.taskId}`
        : `; no agent to send it back to. See flotilla review ${landing.taskId}`;
  }
  await store.landings.failed(landing, { ...record(), message, sentBack: sendBack }, LANDING_ACTOR);

  function record() {
    return {
      failure: outcome.failure,
      message,
      attempt,
      ...(outcome.conflicts ? { conflicts: outcome.conflicts } : {}),
    };
  }
}

function conflictOutcome(landing: Landing, conflicts: ConflictFileInfo[]): Outcome {
  const files = conflicts.map((c) => c.path).join(', ');
  return {
    kind: 'failed',
    failure: 'conflict',
    message: `${landing.branch} conflicts with ${landing.baseRef} in ${files || 'some files'}`,
    conflicts,
  };
}

/** The message a failed landing sends its agent: what failed, the hunks or the output, what to do. */
function agentMessage(landing: Landing, outcome: Extract<Outcome, { kind: 'failed' }>): string {
  const base = landing.baseRef;
  const lines: string[] = [];
  if (outcome.failure === 'conflict') {
    lines.push(
      `Flotilla could not land your branch: it conflicts with ${base}, which moved on since you started.`,
    );
    for (const file of outcome.conflicts ?? []) {
      lines.push('', `Conflicting file: ${file.path}`);
      for (const hunk of file.hunks) lines.push(hunk);
    }
    lines.push(
      '',
      `Rebase your branch onto ${base} (git rebase ${base}), resolve the conflicts keeping both changes' intent, run the tests, and commit. Flotilla lands it again when you are done.`,
    );
  } else {
    lines.push(
      `Flotilla could not land your branch: the verify command failed on your work rebuilt on ${base}.`,
      '',
      'Its output (the end):',
      (outcome.output ?? '').slice(-MESSAGE_MAX / 2),
    );
    lines.push('', 'Fix it, commit, and finish your turn. Flotilla lands it again when you are done.');
  }
  const text = lines.join('\n');
  return text.length <= MESSAGE_MAX ? text : `${text.slice(0, MESSAGE_MAX)}\n[…clipped]`;
}

/** Runs `landing.verify` by `sh -c` in the scratch worktree, with its time limit; keeps the output's tail. */
async function runVerify(
  cwd: string,
  config: Config,
): Promise<{ ok: boolean; exit: number | null; how: string; output: string }> {
  const { run } = await import('../proc/index.js');
  const result = await run('sh', ['-c', config.landing.verify ?? 'true'], {
    cwd,
    allowFailure: true,
    timeoutMs: config.landing.verify_timeout_seconds * 1000,
  });
  const all = `${result.stdout}${result.stderr ? `\n${result.stderr}` : ''}`;
  const output = all.length <= VERIFY_OUTPUT_MAX ? all : all.slice(-VERIFY_OUTPUT_MAX);
  const how = result.signal
    ? `was killed (${result.signal}; time limit ${config.landing.verify_timeout_seconds} s)`
    : `exited with ${result.code}`;
  return { ok: result.code === 0, exit: result.code, how, output };
}
