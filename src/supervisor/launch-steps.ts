import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { FlotillaError } from '../domain/errors.js';
import type { Worktree } from '../domain/worktree.js';
import { removeWorktree } from '../git/index.js';
import { run } from '../proc/index.js';
import type { PaneInfo } from '../tmux/index.js';
import type { SupervisorContext } from './context.js';
import { LAUNCHER_NAME } from './launcher.js';
import { describeExit } from './restart.js';

/** The steps of a start that are worth naming on their own: port blocks, early death, undo. */

/**
 * How long after creating the session a start looks for an agent that died at once, at most:
 * where /proc shows the exec, the wait ends EXEC_GRACE_MS after the agent's own program runs.
 */
export const START_PROBE_MS = 150;
/** Time an agent's program gets after its exec to die of a bad flag or a missing library. */
export const EXEC_GRACE_MS = 50;
const PROBE_STEP_MS = 10;

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
  await waitForExec(ctx, session);
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

/**
 * Waits until the pane's process has left tmux and the launcher shell (it has exec'd the agent's
 * program) plus EXEC_GRACE_MS, or START_PROBE_MS in all, whichever comes first. The fixed 150 ms
 * it replaces was a sixth of a start on a large repo; a program that dies at once dies within
 * the grace. Without /proc it is the fixed wait.
 */
async function waitForExec(ctx: Pick<SupervisorContext, 'tmux'>, session: string): Promise<void> {
  const deadline = Date.now() + START_PROBE_MS;
  const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
  if (!existsSync('/proc/self/exe')) return pause(START_PROBE_MS);
  let pid: number | null = null;
  while (Date.now() < deadline) {
    if (pid === null) {
      const pane = await ctx.tmux.paneInfo(session);
      if (!pane || pane.paneDead) return; // the caller reads the pane again and reports it
      pid = pane.panePid;
    }
    if (pid !== null && execd(pid)) return pause(Math.min(EXEC_GRACE_MS, deadline - Date.now()));
    await pause(PROBE_STEP_MS);
  }
}

/**
 * Whether process `pid` runs the agent's program by now: it is no longer tmux's fork (the same
 * executable as its parent, the tmux server) nor the launcher shell (named LAUNCHER_NAME).
 */
function execd(pid: number): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (args.includes(LAUNCHER_NAME)) return false;
    const ppid = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.split(' ')[1];
    return readlinkSync(`/proc/${pid}/exe`) !== readlinkSync(`/proc/${ppid}/exe`);
  } catch {
    return false; // gone (the caller sees the dead pane) or not readable
  }
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
