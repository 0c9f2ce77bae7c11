import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detachHint, detachHintFor, TmuxServer, writeServerConfig } from '../../../src/tmux/index.js';

/**
 * Flotilla's own tmux server starts from a config Flotilla writes: the options Claude Code needs
 * (it warns in its pane when focus-events is off), then the user's tmux.config when set.
 */
let dir: string;
let server: TmuxServer | undefined;
afterEach(async () => {
  await server?.killServer();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A private server (socket in a temp dir, its own HOME) started from the config Flotilla writes. */
function start(write: (dir: string) => string | null) {
  // /tmp: a Unix socket path must stay short.
  dir = mkdtempSync('/tmp/flotilla-tmuxconf-');
  const env = { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' };
  const socket = join(dir, 'sock');
  const configFile = writeServerConfig(join(dir, 'tmux', 'flotilla.conf'), write(dir));
  const s = new TmuxServer({ socketPath: socket, env, configFile });
  server = s;
  const show = (args: string[]) => {
    const r = spawnSync('tmux', ['-S', socket, 'show-options', ...args], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`tmux show-options ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  return { server: s, show };
}

describe("Flotilla's tmux server options", () => {
  it('sets focus-events on, a short escape-time and extended keys on the private server', async () => {
    const { server: s, show } = start(() => null);
    await s.newSession({ name: 'a', cwd: dir, argv: ['sleep', '30'] });
    expect(show(['-gv', 'focus-events'])).toBe('on');
    expect(show(['-sv', 'escape-time'])).toBe('10');
    expect(show(['-sv', 'extended-keys'])).toBe('on');
    // Nothing else is read: tmux's own default prefix.
    expect(show(['-gv', 'prefix'])).toBe('C-b');
  });

  it('loads the file tmux.config names, after those options (the user may change them)', async () => {
    const { server: s, show } = start((d) => {
      const user = join(d, "my tmux's.conf"); // a quote and a space in the path
      writeFileSync(user, "set -g prefix C-a\nset -g @flotilla-test 'loaded'\nset -s escape-time 0\n");
      return user;
    });
    await s.newSession({ name: 'a', cwd: dir, argv: ['sleep', '30'] });
    expect(show(['-gv', '@flotilla-test'])).toBe('loaded');
    expect(show(['-gv', 'prefix'])).toBe('C-a');
    expect(show(['-sv', 'escape-time'])).toBe('0');
    expect(show(['-gv', 'focus-events'])).toBe('on');
    // attach names the prefix the server really has.
    expect(await detachHintFor(s.client, { PATH: process.env.PATH })).toBe(
      'detach with Ctrl-a d — the agent keeps running',
    );
  });

  it('refuses a tmux.config file that does not exist', () => {
    dir = mkdtempSync('/tmp/flotilla-tmuxconf-');
    expect(() => writeServerConfig(join(dir, 'x.conf'), join(dir, 'missing.conf'))).toThrow(/does not exist/);
  });
});

describe('the detach keys attach prints', () => {
  it('outside tmux: the prefix of Flotilla’s server, then d', () => {
    expect(detachHint({ insideTmux: false, ours: 'C-b' })).toMatch(/^detach with Ctrl-b d/);
  });
  it('inside a tmux with the same prefix: press it twice (once would detach the user’s own tmux)', () => {
    const hint = detachHint({
      insideTmux: true,
      currentTmux: '/tmp/user-sock,1,0',
      ours: 'C-b',
      theirs: 'C-b',
    });
    expect(hint).toContain('detach with Ctrl-b Ctrl-b d');
  });
  it('inside a tmux with another prefix: Flotilla’s prefix once', () => {
    const hint = detachHint({
      insideTmux: true,
      currentTmux: '/tmp/user-sock,1,0',
      ours: 'C-b',
      theirs: 'C-a',
    });
    expect(hint).toContain('detach with Ctrl-b d');
  });
});
