import { readFileSync } from 'node:fs';
import { isAlive } from './signals.js';
import { readStatFields } from './stat.js';

/**
 * Who a pid really is. A pid written to a file (a lock, daemon.json) can be reused by an
 * unrelated process after a crash or a reboot; the kernel's boot id and the process's start
 * time tell the original apart from the newcomer, so Flotilla never signals a stranger or
 * refuses to start because of one. Linux only; elsewhere the fields are null and callers fall
 * back to plain liveness.
 */

/** A process as recorded by itself, enough to recognise it later. */
export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat); null when unknown. */
  startTime: string | null;
  /** /proc/sys/kernel/random/boot_id; null when unknown. */
  bootId: string | null;
}

/** Start time of a process in clock ticks since boot, or null when /proc cannot tell. */
export function processStartTime(pid: number): string | null {
  return readStatFields(pid)?.[19] ?? null;
}

/** Process group of a process, or null when /proc cannot tell. */
export function processGroupId(pid: number): number | null {
  const field = readStatFields(pid)?.[2];
  return field === undefined ? null : Number(field);
}

export function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

export function identifyProcess(pid: number = process.pid): ProcessIdentity {
  return { pid, startTime: processStartTime(pid), bootId: bootId() };
}

/** True when the recorded process is still running: alive, same boot, same start time. */
export function isSameProcessAlive(recorded: ProcessIdentity): boolean {
  if (!Number.isInteger(recorded.pid) || recorded.pid <= 0 || !isAlive(recorded.pid)) return false;
  if (recorded.bootId !== null) {
    const now = bootId();
    if (now !== null && now !== recorded.bootId) return false;
  }
  if (recorded.startTime !== null) {
    const now = processStartTime(recorded.pid);
    if (now !== null && now !== recorded.startTime) return false;
  }
  return true;
}
