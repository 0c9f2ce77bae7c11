import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

/**
 * Reading /proc (Linux; elsewhere every reader returns nothing): the one parser of
 * /proc/<pid>/stat, used for a process's identity and state (identity.ts, signals.ts) and for
 * the resources of agents' process trees (the supervisor). One scan of /proc serves every
 * agent: a tree is the pane's process, everything descended from it, and everything still in
 * its session (a child whose parent died is re-parented away from the tree but keeps the
 * session tmux gave the pane).
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

/**
 * The fields of a /proc/<pid>/stat line after the command name: [0] is field 3 (state), so
 * field n is [n - 3]. The command name (field 2) is in parentheses and may itself hold spaces
 * or ')', so the fields start after the LAST ')'. Null for a line that is not one.
 */
export function statFields(text: string): string[] | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  return text.slice(close + 2).split(' ');
}

/** The fields (see statFields) of a running process, or null when /proc cannot tell. */
export function readStatFields(pid: number, procRoot = '/proc'): string[] | null {
  const text = readSmall(`${procRoot}/${pid}/stat`);
  return text === null ? null : statFields(text);
}

/** Parses /proc/<pid>/stat into what resource sampling needs. */
export function parseStat(text: string): ProcStat | null {
  const f = statFields(text);
  if (!f) return null;
  const pid = Number(text.slice(0, text.indexOf('(')).trim());
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
    const text = readSmall(`${procRoot}/${name}/stat`);
    // Null: exited between readdir and read.
    const stat = text === null ? null : parseStat(text);
    if (stat) out.push(stat);
  }
  return out;
}

/** One buffer for every stat line of a scan (a line is a few hundred bytes). */
const scratch = Buffer.alloc(4096);

/**
 * A /proc file of at most 4 KiB, read with one open, one read and one close: a scan reads every
 * process's stat file, and readFileSync's size probe and buffer per file were most of its cost.
 */
function readSmall(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const n = readSync(fd, scratch, 0, scratch.length, 0);
    return scratch.toString('latin1', 0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
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
