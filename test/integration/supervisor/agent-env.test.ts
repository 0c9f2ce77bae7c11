import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { which } from '../../../src/proc/index.js';
import { type Harness, makeHarness, waitFor } from './harness.js';

/**
 * An agent's configured secrets (`agents.<name>.env`) must reach the agent process and nothing
 * else: not the argv of any process (`/proc/<pid>/cmdline` is readable by every user), not
 * even for the moment a tmux client runs. A tmux shim records each client's argv, which is
 * exactly what /proc showed while it ran; a scan of every live process covers the rest.
 */

/** Every process's command line that mentions `needle` (processes that vanish meanwhile are skipped). */
function cmdlinesWith(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (line.includes(needle)) found.push(`${pid}: ${line}`);
    } catch {}
  }
  return found;
}

describe('agent secrets', () => {
  let h: Harness;
  const leftovers: string[] = [];
  afterEach(async () => {
    // The shim runs tmux for the harness's own cleanup: removed only after it.
    await h?.cleanup();
    for (const f of leftovers.splice(0)) rmSync(f, { force: true });
  });

  it('reach the agent on start and restart but never any command line', async () => {
    const secret = `sekrit-${randomUUID()}`;
    const shim = `/tmp/flotilla-shim-${process.pid}-${Date.now().toString(36)}`;
    const argvLog = `${shim}.argv`;
    writeFileSync(shim, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${which('tmux')}' "$@"\n`);
    chmodSync(shim, 0o700);
    const got = `${shim}.got`;
    leftovers.push(shim, argvLog, got);
    h = await makeHarness({
      adapter: 'registry',
      tmuxCommand: shim,
      config: {
        agents: {
          sec: {
            adapter: 'custom',
            command: 'sh',
            // The value goes to a file, then the process waits without the secret in its argv.
            args: ['-c', 'printf %s "$SECRET_VALUE" > "$GOT_FILE"; exec sleep 600'],
            prompt_via: 'none',
            env: { SECRET_VALUE: secret, GOT_FILE: got },
          },
        },
      },
    });
    const agent = await h.sup.start((await h.task()).id, { agent: 'sec' });
    await waitFor(
      () => existsSync(got) && readFileSync(got, 'utf8') === secret,
      'the agent writing its secret',
    );
    // The hand-over file is emptied once read: the secret stays only in the agent's environment.
    expect(readFileSync(join(h.paths.agentsDir, agent.id, 'launch.env'), 'utf8')).toBe('');
    expect(readFileSync(argvLog, 'utf8')).toContain('new-session');
    expect(readFileSync(argvLog, 'utf8')).not.toContain(secret);
    expect(cmdlinesWith(secret)).toEqual([]);

    rmSync(got);
    await h.sup.restart(agent.id, 'user');
    await waitFor(
      () => existsSync(got) && readFileSync(got, 'utf8') === secret,
      'the restarted agent writing its secret',
    );
    expect(readFileSync(argvLog, 'utf8')).toContain('respawn-pane');
    expect(readFileSync(argvLog, 'utf8')).not.toContain(secret);
    expect(cmdlinesWith(secret)).toEqual([]);
  });
});
