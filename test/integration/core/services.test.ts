import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { libraryHarness, waitForContent } from './library-harness.js';

/**
 * The core services in-process (createFlotilla), named by the actor the instance writes as: an
 * integration's. Effects checked: a task move the transition table does not give that actor is
 * refused and recorded nowhere; removing an agent with its worktree takes the one worktree
 * removal of core/worktrees.ts — refused while the worktree holds work (agent and worktree
 * untouched), done with force, and recorded with the actor.
 */
describe('core services', () => {
  const lib = libraryHarness('svc');

  it('refuses moves the table does not allow and removes a worktree only without losing work', async () => {
    const flotilla = await lib.open('echo work in progress > work.txt; exec sleep 600', {
      actor: 'integration:test',
    });
    const { repo } = lib;
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
    await waitForContent(work);
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
