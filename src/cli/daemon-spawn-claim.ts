/**
 * Who starts the daemon when many commands find none at once. Without a claim every one of them
 * spawned its own `serve`: thirty daemons booting together on two cores outlasted the commands'
 * wait, only for all but one to lose the daemon lock at the end. The claim is a file made with
 * O_EXCL that names its owner: one command spawns, the others wait for the daemon it starts.
 * It is advisory — the daemon's own lock still settles any race — so a claim whose owner is gone,
 * or which is older than any start should take, is simply taken over.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../proc/signals.js';

/** A start takes seconds; a claim this old belongs to a command that lost track of it. */
const STALE_MS = 60_000;

export interface SpawnClaim {
  /** Drops the claim if it is still ours. Idempotent. */
  release(): void;
}

const claimFile = (home: string) => join(home, 'daemon.spawning');

function owner(file: string): { pid: number; stamp: string; ageMs: number } | null {
  try {
    const [pid, stamp] = readFileSync(file, 'utf8').trim().split(' ');
    return { pid: Number(pid), stamp: stamp ?? '', ageMs: Date.now() - statSync(file).mtimeMs };
  } catch {
    return null;
  }
}

/** Whether another live command holds a fresh claim: it is starting the daemon. */
export function spawnClaimedByOther(home: string): boolean {
  const o = owner(claimFile(home));
  return o !== null && o.pid !== process.pid && held(o);
}

/** Held: a live owner and fresh, or just made and its pid not written yet (pid 0 reads as alive). */
const held = (o: { pid: number; ageMs: number }): boolean =>
  o.pid > 0 ? o.ageMs < STALE_MS && isAlive(o.pid) : o.ageMs < 1_000;

/** Takes the claim, or returns null when another live command holds it. */
export function claimSpawn(home: string): SpawnClaim | null {
  const file = claimFile(home);
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid} ${stamp}\n`);
      } finally {
        closeSync(fd);
      }
      return {
        release: () => {
          if (owner(file)?.stamp !== stamp) return;
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const o = owner(file);
      if (o === null) continue;
      if (held(o)) return null;
      try {
        unlinkSync(file);
      } catch {
        // someone else took it over first
      }
    }
  }
  return null;
}
