import { FlotillaError } from '../domain/errors.js';
import type { Worktree } from '../domain/worktree.js';
import { removeWorktree } from '../git/index.js';
import { run } from '../proc/index.js';
import type { PaneInfo } from '../tmux/index.js';
import type { SupervisorContext } from './context.js';
import { describeExit } from './restart.js';

/** The steps of a start that are worth naming on their own: port blocks, early death, undo. */

/** How long after creating the session a start looks for an agent that died at once. */
export const START_PROBE_MS = 150;

/**
 * The first free port block: `port_range_start + k × port_block_size`, not held by a live
 * worktree nor by a start in flight (which `held` records until it commits or fails).
 */
export async function choosePortBase(
  ctx: Pick<SupervisorContext, 'config' | 'store'>,
  held: Set<number>,
): Promise<number> {
  const { port_range_start: start, port_block_size: size } = ctx.config.worktrees;
  const used = await ctx.store.worktrees.usedPortBases();
  // Blocks are compared as ranges, in case port_block_size changed since they were handed out.
  const taken = [...used, ...held];
  for (let base = start; base + size - 1 <= 65535; base += size) {
    if (taken.every((b) => b + size <= base || b >= base + size)) {
      held.add(base);
      return base;
    }
  }
  throw new FlotillaError('CONFLICT', `no free port block of ${size} ports left from ${start} to 65535`, {
    hint: 'remove worktrees you no longer need, or lower worktrees.port_block_size',
  });
}

/**
 * Catches an agent that dies the moment it starts (a bad flag, a missing library) so the start
 * fails with the agent's own last words instead of an agent row that crashes a second later.
 * An agent that already finished cleanly is no failure. Returns the pane as last seen.
 */
export async function deadOnArrival(
  ctx: Pick<SupervisorContext, 'tmux'>,
  session: string,
): Promise<PaneInfo | null> {
  await new Promise((r) => setTimeout(r, START_PROBE_MS));
  const pane = await ctx.tmux.paneInfo(session);
  if (!pane) throw new FlotillaError('PROCESS_FAILED', `the tmux session ${session} disappeared at once`);
  if (!pane.paneDead) return pane;
  const exit = { code: pane.paneDeadStatus, signal: pane.paneDeadSignal };
  if (exit.code === 0 && exit.signal === null) return pane;
  let screen = '';
  try {
    // The screen's blank rows and tmux's own "Pane is dead" line say nothing about why.
    const rows = (await ctx.tmux.capturePane(session, { lines: 200 })).split('\n');
    screen = rows
      .filter((r) => r.trim() !== '' && !/^Pane is dead/.test(r))
      .slice(-15)
      .join('\n');
  } catch {}
  throw new FlotillaError(
    'PROCESS_FAILED',
    `the agent ${describeExit(exit)} right after it started${screen ? `:\n${screen}` : ''}`,
    {
      hint: 'run the agent command by hand in the worktree to see what it needs',
    },
  );
}

export async function killQuietly(ctx: Pick<SupervisorContext, 'tmux'>, session: string): Promise<void> {
  await ctx.tmux.killSession(session);
}

/**
 * Removes a worktree this start created. Its branch is deleted only while it still points at
 * the base commit: a branch that somehow got a commit keeps it (never lose work).
 */
export async function undoWorktree(
  repoPath: string,
  wt: Pick<Worktree, 'path' | 'branch' | 'baseCommit'>,
): Promise<void> {
  const tip = await run(
    'git',
    ['-C', repoPath, 'rev-parse', '--verify', '--quiet', `refs/heads/${wt.branch}`],
    {
      allowFailure: true,
    },
  );
  const untouched = tip.code === 0 && tip.stdout.trim() === wt.baseCommit;
  const result = await removeWorktree({
    repoPath,
    path: wt.path,
    branch: wt.branch,
    baseCommit: wt.baseCommit,
    force: true,
    deleteBranch: untouched,
  });
  if (result.errors.length > 0) throw new Error(result.errors.join('; '));
}
