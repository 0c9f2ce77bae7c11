import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resources of agents' process trees, read from /proc (Linux; elsewhere every figure is
 * empty). One scan of /proc serves every agent: a tree is the pane's process, everything
 * descended from it, and everything still in its session (a child whose parent died is
 * re-parented away from the tree but keeps the session tmux gave the pane).
 */

/** One process as /proc/<pid>/stat describes it. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** Session id: tmux makes the pane's process a session leader, so its pid is the sid. */
  sid: number;
  /** user + system CPU time, in clock ticks. */
  cpuTicks: number;
  /** Start time in ticks since boot: tells a reused pid apart. */
  startTime: number;
  rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name is in parentheses and may hold spaces or ')'. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3].
  const num = (n: number) => Number(f[n - 3]);
  const stat: ProcStat = {
    pid,
    ppid: num(4),
    sid: num(6),
    cpuTicks: num(14) + num(15),
    startTime: num(22),
    rssPages: num(24),
  };
  return Object.values(stat).every(Number.isFinite) ? stat : null;
}

/** Every process on the machine (those that vanish while we read are skipped). */
export function scanProcesses(procRoot = '/proc'): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const stat = parseStat(readFileSync(`${procRoot}/${name}/stat`, 'latin1'));
      if (stat) out.push(stat);
    } catch {
      // Exited between readdir and read.
    }
  }
  return out;
}

/** The processes of the tree rooted at `rootPid`: descendants plus members of its session. */
export function processTree(all: readonly ProcStat[], rootPid: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const p of all) {
    let list = children.get(p.ppid);
    if (!list) {
      list = [];
      children.set(p.ppid, list);
    }
    list.push(p);
  }
  const seen = new Set<number>();
  const out: ProcStat[] = [];
  const stack = all.filter((p) => p.pid === rootPid || p.sid === rootPid);
  while (stack.length > 0) {
    const p = stack.pop() as ProcStat;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    out.push(p);
    for (const child of children.get(p.pid) ?? []) stack.push(child);
  }
  return out;
}

/** Bytes per page, worked out once from this process's own figures (4 KiB, 16 KiB, 64 KiB…). */
let pageSize: number | null = null;
export function pageBytes(): number {
  if (pageSize !== null) return pageSize;
  pageSize = 4096;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    const pages = Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]);
    if (kb > 0 && pages > 0) {
      const ratio = (kb * 1024) / pages;
      // Round to the nearest power of two: the two files are read a moment apart.
      pageSize = 2 ** Math.round(Math.log2(ratio));
    }
  } catch {}
  return pageSize;
}

/** Linux reports CPU times in USER_HZ, which is 100 on every architecture Node runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** One measurement of an agent's tree. */
export interface ResourceSample {
  /** Epoch ms. */
  at: number;
  /** Percent of one core since the previous sample (null for the first one). */
  cpuPercent: number | null;
  rssBytes: number;
  processes: number;
}

/**
 * CPU % needs two readings: this remembers each process's ticks (keyed by pid and start time,
 * so a reused pid starts from zero) and turns the next reading into a rate.
 */
export class CpuMeter {
  private last = new Map<string, number>();
  private lastAt: number | null = null;

  sample(tree: readonly ProcStat[], at: number): ResourceSample {
    const now = new Map<string, number>();
    let ticks = 0;
    for (const p of tree) {
      const key = `${p.pid}:${p.startTime}`;
      now.set(key, p.cpuTicks);
      // A process new since the last reading counts from zero; one that exited drops out.
      ticks += Math.max(0, p.cpuTicks - (this.last.get(key) ?? (this.lastAt === null ? p.cpuTicks : 0)));
    }
    const elapsed = this.lastAt === null ? 0 : (at - this.lastAt) / 1_000;
    const cpuPercent = elapsed > 0 ? (ticks / CLOCK_TICKS_PER_SECOND / elapsed) * 100 : null;
    this.last = now;
    this.lastAt = at;
    const rssBytes = tree.reduce((sum, p) => sum + p.rssPages, 0) * pageBytes();
    return {
      at,
      cpuPercent: cpuPercent === null ? null : Math.round(cpuPercent * 10) / 10,
      rssBytes,
      processes: tree.length,
    };
  }
}
