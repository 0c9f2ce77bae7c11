import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox, waitFor } from '../helpers/cli.js';

/**
 * `flotilla daemon restart` checks the config the new daemon would read before it stops the
 * running one: a broken user config file is refused with the file's problem and its fix, and the
 * old daemon keeps answering (the dashboard stays up). The real binary and a real daemon.
 */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('flotilla daemon restart', () => {
  let sb: Sandbox;
  afterEach(() => sb.cleanup());

  it('refuses an invalid user config before stopping anything; the old daemon keeps running', async () => {
    sb = makeSandbox({ repo: false });
    const started = await sb.flotilla(['daemon', 'start', '--json'], { cwd: sb.dir });
    expect(started.code, started.stderr).toBe(0);
    const { pid } = JSON.parse(started.stdout) as { pid: number };

    const userConfig = join(sb.home, '.config', 'flotilla', 'config.yaml');
    mkdirSync(dirname(userConfig), { recursive: true });
    writeFileSync(userConfig, 'integrations:\n  github:\n    repo: a/b\n');

    const refused = await sb.flotilla(['daemon', 'restart'], { cwd: sb.dir });
    expect(refused.code, refused.stderr).toBe(5);
    expect(refused.stderr).toContain(`not restarted, the running daemon (pid ${pid}) keeps its old config`);
    expect(refused.stderr).toMatch(/config\.yaml:3:5: integrations\.github\.repo: not yet supported/);
    expect(refused.stderr).toContain('hint: remove it\n');

    // Nothing changed: the same process still answers its health check with our token.
    expect(alive(pid)).toBe(true);
    const status = await sb.flotilla(['daemon', 'status', '--json'], { cwd: sb.dir });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, healthy: true, pid });

    // Once the file is fixed, the restart goes through: a new daemon, the old one gone.
    rmSync(userConfig);
    const restarted = await sb.flotilla(['daemon', 'restart', '--json'], { cwd: sb.dir });
    expect(restarted.code, restarted.stderr).toBe(0);
    expect((JSON.parse(restarted.stdout) as { pid: number }).pid).not.toBe(pid);
    await waitFor(() => !alive(pid), `the old daemon (pid ${pid}) to exit`);
  }, 60_000);
});
