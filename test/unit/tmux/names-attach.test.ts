import { describe, expect, it } from 'vitest';
import { TmuxClient } from '../../../src/tmux/client.js';
import {
  agentIdOfSession,
  agentPaneTarget,
  assertSessionName,
  isValidSessionName,
  sessionNameFor,
  sessionTarget,
  TmuxServer,
} from '../../../src/tmux/index.js';

describe('session names', () => {
  it('names an agent session flotilla-<agentId> and reads the id back', () => {
    expect(sessionNameFor('k3m9xz')).toBe('flotilla-k3m9xz');
    expect(agentIdOfSession('flotilla-k3m9xz')).toBe('k3m9xz');
    expect(agentIdOfSession('work')).toBeNull();
    expect(agentIdOfSession('flotilla-')).toBeNull();
  });

  it('accepts only names that never need quoting', () => {
    for (const ok of ['a', 'flotilla-abc', 'A_b-9']) expect(isValidSessionName(ok)).toBe(true);
    for (const bad of ['', 'a.b', 'a:b', 'a b', '=a', 'a;', 'a$', 'é', 'x'.repeat(81)]) {
      expect(isValidSessionName(bad), bad).toBe(false);
    }
    expect(() => sessionNameFor('a.b')).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => assertSessionName('a:b')).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('targets sessions exactly and the agent pane by position', () => {
    expect(sessionTarget('flotilla-a')).toBe('=flotilla-a');
    expect(agentPaneTarget('flotilla-a')).toBe('=flotilla-a:{start}.{top-left}');
  });
});

describe('server selection', () => {
  it('passes -L flotilla by default and -S when given a socket path', () => {
    expect(new TmuxClient().socketArgs).toEqual(['-L', 'flotilla']);
    expect(new TmuxClient({ socketName: 'other' }).socketArgs).toEqual(['-L', 'other']);
    expect(new TmuxClient({ socketPath: '/tmp/x/sock' }).socketArgs).toEqual(['-S', '/tmp/x/sock']);
  });

  it('computes the -L socket path as tmux does, from TMUX_TMPDIR only', () => {
    const uid = process.getuid?.() ?? 0;
    const client = new TmuxClient({ env: { TMUX_TMPDIR: '/run/t', TMPDIR: '/ignored' } });
    expect(client.socketPath).toBe(`/run/t/tmux-${uid}/flotilla`);
    expect(new TmuxClient({ env: {} }).socketPath).toBe(`/tmp/tmux-${uid}/flotilla`);
  });

  it('rejects socket names and paths tmux cannot use', () => {
    expect(() => new TmuxClient({ socketName: '../x' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => new TmuxClient({ socketPath: 'relative' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => new TmuxClient({ socketPath: `/${'x'.repeat(120)}` })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it("never passes the user's TMUX to tmux", () => {
    const client = new TmuxClient({
      env: { PATH: '/bin', TMUX: '/tmp/tmux-0/default,1,0', TMUX_PANE: '%1' },
    });
    expect(client.env).toEqual({ PATH: '/bin' });
  });
});

describe('attachArgv', () => {
  const server = new TmuxServer({ socketName: 'flotilla', env: {} });
  const uid = process.getuid?.() ?? 0;

  it('attaches directly outside tmux', () => {
    expect(server.attachArgv('flotilla-abc', { insideTmux: false })).toEqual([
      'tmux',
      '-L',
      'flotilla',
      '-f',
      '/dev/null',
      'attach-session',
      '-t',
      '=flotilla-abc',
    ]);
  });

  it("opens a window in the user's own tmux running the attach with TMUX unset", () => {
    const argv = server.attachArgv('flotilla-abc', {
      insideTmux: true,
      currentTmux: `/tmp/tmux-${uid}/default,123,0`,
    });
    expect(argv).toEqual([
      'tmux',
      'new-window',
      '-n',
      'flotilla-abc',
      '--',
      'env',
      '-u',
      'TMUX',
      'tmux',
      '-L',
      'flotilla',
      '-f',
      '/dev/null',
      'attach-session',
      '-t',
      '=flotilla-abc',
    ]);
    // No -L/-S before new-window: it must reach the user's server, the one $TMUX names.
    expect(argv.indexOf('-L')).toBeGreaterThan(argv.indexOf('new-window'));
  });

  it("switches client when the user is already on Flotilla's server", () => {
    expect(
      server.attachArgv('flotilla-abc', { insideTmux: true, currentTmux: `/tmp/tmux-${uid}/flotilla,77,3` }),
    ).toEqual(['tmux', '-L', 'flotilla', '-f', '/dev/null', 'switch-client', '-t', '=flotilla-abc']);
  });

  it('refuses an invalid session name', () => {
    expect(() => server.attachArgv('a b', { insideTmux: false })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
