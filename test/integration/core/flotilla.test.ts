import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFlotilla } from '../../../src/index.js';
import { libraryHarness, waitForContent } from './library-harness.js';

/**
 * Flotilla as a library, with no HTTP server: `createFlotilla()` on a temp state dir registers a
 * real git repo, adds tasks and starts a real agent (a shell command in tmux, on a private tmux
 * server) through the same admission gate the daemon uses. Effects checked: the agent's file in
 * its own worktree, its status from the supervisor, no daemon.json (nothing listens), and the
 * one-per-state-dir lock shared with the daemon.
 */
describe('createFlotilla', () => {
  const lib = libraryHarness('lib');

  it('adds tasks and starts a real agent in-process, with no HTTP server', async () => {
    const flotilla = await lib.open('echo made by the library agent > made.txt; exec sleep 600');
    const { repo, home } = lib;
    const { repo: registered, created } = await flotilla.repos.register(repo.path);
    expect(created).toBe(true);
    const first = await flotilla.tasks.add(registered.id, { title: 'Make a file' });
    const second = await flotilla.tasks.add(registered.id, { title: 'After it', dependsOn: [first.id] });
    // The admission gate applies in-process as over HTTP.
    await expect(flotilla.agents.start(second.id)).rejects.toMatchObject({ code: 'BLOCKED' });

    const agent = await flotilla.agents.start(first.id);
    const made = join(agent.worktreePath, 'made.txt');
    expect(await waitForContent(made)).toBe('made by the library agent\n');
    expect(agent.worktreePath).not.toBe(repo.path);
    expect((await flotilla.agents.list()).map((a) => a.id)).toEqual([agent.id]);
    expect(existsSync(join(home, 'daemon.json')), 'no server was started').toBe(false);
    expect((await flotilla.tasks.get(first.id)).status).toBe('in_progress');

    // One fleet per state dir: a second instance (or a daemon) is refused while this one runs.
    await expect(createFlotilla({ home, config: { 'tmux.socket': lib.socket } })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const stopped = await flotilla.agents.stop(agent.id);
    expect(stopped.status).toBe('stopped');
  }, 60_000);
});
