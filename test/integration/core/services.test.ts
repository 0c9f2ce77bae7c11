import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlotilla, type Flotilla } from '../../../src/index.js';
import { run } from '../../../src/proc/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

/**
 * The core services in-process (createFlotilla), named by the actor the instance writes as: an
 * integration's. Effects checked: a task move the transition table does not give that actor is
 * refused and recorded nowhere; removing an agent with its worktree takes the one worktree
 * removal of core/worktrees.ts — refused while the worktree holds work (agent and worktree
 * untouched), done with force, and recorded with the actor.
 */
describe('core services', () => {
  let flotilla: Flotilla | undefined;
  let repo: TestRepo | undefined;
  let home = '';
  const socket = `flotilla-svc-${process.pid}`;

  afterEach(async () => {
    await flotilla?.close();
    flotilla = undefined;
    await run('tmux', ['-L', socket, 'kill-server'], { allowFailure: true });
    repo?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('refuses moves the table does not allow and removes a worktree only without losing work', async () => {
    repo = await makeRepo();
    home = mkdtempSync(join(tmpdir(), 'flotilla-svc-'));
    flotilla = await createFlotilla({
      home,
      actor: 'integration:test',
      env: { ...process.env, FLOTILLA_CONFIG: join(home, 'none.yaml') },
      config: {
        'tmux.socket': socket,
        agent: 'shell',
        'agents.shell.adapter': 'custom',
        'agents.shell.command': 'sh',
        'agents.shell.args': '[-c, "echo work in progress > work.txt; exec sleep 600"]',
      },
    });
    const { repo: registered } = await flotilla.repos.register(repo.path);
    const task = await flotilla.tasks.add(registered.id, { title: 'Leave work behind' });

    await expect(flotilla.tasks.move(task.id, 'done')).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('integration:test may not move a task from todo to done'),
    });
    expect((await flotilla.tasks.get(task.id)).status).toBe('todo');
    expect(await flotilla.events.list({ task: task.id, types: ['task.moved'] })).toEqual([]);

    const agent = await flotilla.agents.start(task.id);
    const work = join(agent.worktreePath, 'work.txt');
    const deadline = Date.now() + 20_000;
    while (!existsSync(work) || readFileSync(work, 'utf8') === '') {
      if (Date.now() > deadline) throw new Error(`the agent never wrote ${work}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // A live agent's worktree is never cleaned, not even forced.
    const busy = await flotilla.worktrees.clean({ force: true, dryRun: true });
    expect(busy.removed).toEqual([]);
    expect(busy.skipped).toEqual([
      {
        path: agent.worktreePath,
        branch: agent.branch,
        reason: expect.stringMatching(`^agent ${agent.id} is `),
      },
    ]);
    await flotilla.agents.stop(agent.id);

    // The untracked file is work: refused, and nothing changed (agent listed, worktree there).
    await expect(flotilla.agents.remove(agent.id, { removeWorktree: true })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await flotilla.agents.list()).map((a) => a.id)).toEqual([agent.id]);
    expect(existsSync(work)).toBe(true);

    const removed = await flotilla.agents.remove(agent.id, { removeWorktree: true, force: true });
    expect(removed.worktree).toMatchObject({ worktreeRemoved: true, branchDeleted: false });
    expect(removed.branch).toEqual({ name: agent.branch, exists: true });
    expect(existsSync(agent.worktreePath)).toBe(false);
    expect(await flotilla.agents.list()).toEqual([]);
    const gone = await flotilla.events.list({ task: task.id, types: ['worktree.removed'] });
    expect(gone.map((e) => e.actor)).toEqual(['integration:test']);
    // The stop and the removal are the integration's too (the supervisor records its caller);
    // only the agent's own start-up (starting → working) is the supervisor's or the pane's.
    const controls = await flotilla.events.list({
      task: task.id,
      types: ['agent.status_changed', 'agent.removed'],
    });
    const stops = controls.filter((e) => e.type === 'agent.status_changed' && e.data.to === 'stopped');
    expect(stops.map((e) => [e.actor, e.type === 'agent.status_changed' ? e.data.source : null])).toEqual([
      ['integration:test', 'user'],
    ]);
    expect(controls.filter((e) => e.type === 'agent.removed').map((e) => e.actor)).toEqual([
      'integration:test',
    ]);
  }, 60_000);
});
