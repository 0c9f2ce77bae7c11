import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

/**
 * Many CLI commands at once with no daemon running: each one that needs the daemon starts it on
 * demand, they race for its lock, and every one of them must end up talking to the winner. The
 * real `flotilla` binary, as a script or a shell loop would run it.
 */

/** Pids of every process whose environment names this state dir (daemons and stray commands). */
function processesOf(stateDir: string): number[] {
  const needle = `FLOTILLA_HOME=${stateDir}\0`;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (`${readFileSync(`/proc/${name}/environ`, 'utf8')}\0`.includes(needle)) pids.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

let sb: Sandbox | undefined;
afterEach(() => {
  if (!sb) return;
  const dir = sb.stateDir;
  sb.cleanup();
  for (const pid of processesOf(dir)) process.kill(pid, 'SIGKILL');
  sb = undefined;
});

describe('commands that start the daemon together', () => {
  it('30 parallel commands on a fresh state dir all succeed, and one daemon runs', async () => {
    sb = makeSandbox();
    const box = sb;
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => box.flotilla(['task', 'list', '--all-repos', '--json'])),
    );
    const failed = results.filter((r) => r.code !== 0);
    expect(
      failed.map((r) => r.stderr.trim()),
      `${failed.length} of 30 failed`,
    ).toEqual([]);
    // One daemon for the state dir: every command's client has exited by now.
    expect(processesOf(box.stateDir)).toHaveLength(1);
    console.info(`30 parallel commands with no daemon: all answered in ${Date.now() - t0} ms`);
  }, 90_000);
});
