/**
 * Holding still the processes that write a file, for the moment a file is cut in place. tmux
 * pipes each agent's pane into `cat >> pane.log`; copy-then-truncate alone loses whatever cat
 * appends between the last copy and the truncate. Stopped (SIGSTOP), cat cannot write: tmux
 * keeps the pane's output in its own buffer until cat runs again (SIGCONT), so nothing is lost.
 * Linux only (/proc); elsewhere nothing is found and the caller's window stays as it was.
 */
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

/** Pids of processes (of this user, as /proc lets us see) that have `file` open. */
export function pidsWithFileOpen(file: string): number[] {
  let target: string;
  let procs: string[];
  try {
    target = realpathSync(file);
    procs = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of procs) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === target) {
          pids.push(Number(entry));
          break;
        }
      } catch {
        // The fd closed while we looked.
      }
    }
  }
  return pids;
}

const tick = new Int32Array(new SharedArrayBuffer(4));
const sleepMs = (ms: number) => Atomics.wait(tick, 0, 0, ms);

/** True once /proc says `pid` is stopped (or gone). */
function stopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't' || state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

/**
 * Runs `work` with every writer of `file` stopped, and always lets them go on afterwards.
 * Synchronous on purpose: the pause lasts as long as `work` (a copy of the last bytes and a
 * truncate, milliseconds), and no other code of ours may run in between.
 */
export function withWritersPaused<T>(file: string, work: () => T, waitMs = 200): T {
  const paused: number[] = [];
  try {
    for (const pid of pidsWithFileOpen(file)) {
      try {
        process.kill(pid, 'SIGSTOP');
        paused.push(pid);
      } catch {
        // Gone already, or not ours to stop: nothing to hold.
      }
    }
    // A write in progress finishes before the stop takes hold: wait until each is stopped.
    const deadline = Date.now() + waitMs;
    while (paused.some((pid) => !stopped(pid)) && Date.now() < deadline) sleepMs(1);
    return work();
  } finally {
    for (const pid of paused) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // It ended while stopped.
      }
    }
  }
}
