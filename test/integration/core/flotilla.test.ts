import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlotilla, type Flotilla } from '../../../src/index.js';
import { run } from '../../../src/proc/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

/**
 * Flotilla as a library, with no HTTP server: `createFlotilla()` on a temp state dir registers a
 * real git repo, adds tasks and starts a real agent (a shell command in tmux, on a private tmux
 * server) through the same admission gate the daemon uses. Effects checked: the agent's file in
 * its own worktree, its status from the supervisor, no daemon.json (nothing listens), and the
 * one-per-state-dir lock shared with the daemon.
 */
describe('createFlotilla', () => {
  let flotilla: Flotilla | undefined;
  let repo: TestRepo | undefined;
  let home = '';
  const socket = `flotilla-lib-${process.pid}`;

  afterEach(async () => {
    await flotilla?.close();
    flotilla = undefined;
    await run('tmux', ['-L', socket, 'kill-server'], { allowFailure: true });
    repo?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('adds tasks and starts a real agent in-process, with no HTTP server', async () => {
    repo = await makeRepo();
    home = mkdtempSync(join(tmpdir(), 'flotilla-lib-'));
    flotilla = await createFlotilla({
      home,
      env: { ...process.env, FLOTILLA_CONFIG: join(home, 'none.yaml') },
      config: {
        'tmux.socket': socket,
        agent: 'shell',
        'agents.shell.adapter': 'custom',
        'agents.shell.command': 'sh',
        // The prompt arrives as $0 and is ignored; the agent writes its file, then stays alive.
        'agents.shell.args': '[-c, "echo made by the library agent > made.txt; exec sleep 600"]',
      },
    });
    const { repo: registered, created } = await flotilla.repos.register(repo.path);
    expect(created).toBe(true);
    const first = await flotilla.tasks.add(registered.id, { title: 'Make a file' });
    const second = await flotilla.tasks.add(registered.id, { title: 'After it', dependsOn: [first.id] });
    // The admission gate applies in-process as over HTTP.
    await expect(flotilla.agents.start(second.id)).rejects.toMatchObject({ code: 'BLOCKED' });

    const agent = await flotilla.agents.start(first.id);
    const made = join(agent.worktreePath, 'made.txt');
    const deadline = Date.now() + 20_000;
    while (!existsSync(made) || readFileSync(made, 'utf8') === '') {
      if (Date.now() > deadline) throw new Error(`the agent never wrote ${made}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(readFileSync(made, 'utf8')).toBe('made by the library agent\n');
    expect(agent.worktreePath).not.toBe(repo.path);
    expect((await flotilla.agents.list()).map((a) => a.id)).toEqual([agent.id]);
    expect(existsSync(join(home, 'daemon.json')), 'no server was started').toBe(false);
    expect((await flotilla.tasks.get(first.id)).status).toBe('in_progress');

    // One fleet per state dir: a second instance (or a daemon) is refused while this one runs.
    await expect(createFlotilla({ home, config: { 'tmux.socket': socket } })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const stopped = await flotilla.agents.stop(agent.id);
    expect(stopped.status).toBe('stopped');
  }, 60_000);
});
