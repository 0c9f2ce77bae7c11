import { readStatFields } from './stat.js';

/**
 * Process liveness and group termination. Stopping escalates SIGINT → SIGTERM → SIGKILL to the
 * whole process group with bounded waits, so an agent's children (dev servers, test runners)
 * do not outlive it.
 */

/** The process exists and has not exited (a zombie waiting to be reaped has exited). */
export function isAlive(pid: number): boolean {
  return pidExists(pid) && !isZombie(pid);
}

/**
 * The pid names a process, exited-but-unreaped (a zombie) included: one signal 0, no /proc read.
 * For a check repeated every second where a zombie's few milliseconds do not matter.
 */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM means it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    try {
      process.kill(pgid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * True when the process has exited but its parent has not collected it yet. A tmux server may
 * take seconds to reap a pane's process; for whoever is waiting for it to stop, it has stopped.
 */
export function isZombie(pid: number): boolean {
  return readStatFields(pid)?.[0] === 'Z';
}

const exited = (pid: number) => !isAlive(pid) || isZombie(pid);

async function waitForExit(pid: number, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (exited(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return exited(pid);
}

export interface KillOptions {
  /** Wait after SIGINT and after SIGTERM before escalating. Default 3 s each. */
  graceMs?: number;
}

/** Which signal finally stopped the process, or null if it was already gone. */
export type KillOutcome = 'SIGINT' | 'SIGTERM' | 'SIGKILL' | null;

export async function killProcessGroup(pgid: number, options: KillOptions = {}): Promise<KillOutcome> {
  const grace = options.graceMs ?? 3_000;
  if (exited(pgid)) return null;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    if (!signalGroup(pgid, signal)) return null;
    if (await waitForExit(pgid, grace)) return signal;
  }
  signalGroup(pgid, 'SIGKILL');
  await waitForExit(pgid, 2_000);
  return 'SIGKILL';
}
