import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, waitFor } from './harness.js';

describe('boot reconciliation (a daemon restart)', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('adopts live sessions, reads hook lines written while no daemon ran, restarts the dead, reports strays', async () => {
    h = await makeHarness();
    const first = h.sup;
    const live = await first.start((await h.task('Keeps running')).id);
    const doomed = await first.start((await h.task('Dies while down')).id);
    await waitFor(() => h.starts().length === 2, 'both agents starting');
    await first.tick();
    await h.waitStatus(live.id, 'idle');
    await h.waitStatus(doomed.id, 'idle');
    const hooksBefore = (await h.store.events.list({ agentId: live.id, types: ['agent.hook'] })).length;
    await first.close();

    // While no daemon runs: the user talks to one agent (its hook lines pile up in its file),
    // the other's session disappears, and someone leaves a session and a worktree behind.
    await h.tmux.sendText(live.tmuxSession, 'while you were away', { enter: true });
    await waitFor(
      async () => (await h.tmux.capturePane(live.tmuxSession)).includes('got: while you were away'),
      'the agent answering',
    );
    await h.tmux.killSession(doomed.tmuxSession);
    await h.tmux.newSession({ name: 'flotilla-zzzzzz', cwd: h.dir, argv: ['sleep', '600'] });
    const strayPath = `${h.dir}/stray-wt`;
    await h.repo.git(['worktree', 'add', '-b', 'flotilla/zzzzzz-stray', strayPath]);

    const second = h.newSupervisor();
    const report = await second.boot();
    expect(report.adopted).toEqual([live.id]);
    expect(report.dead).toEqual([doomed.id]);
    expect(report.straySessions).toEqual(['flotilla-zzzzzz']);
    expect(report.strayWorktrees).toEqual([
      { repo: h.repo.path, path: strayPath, branch: 'flotilla/zzzzzz-stray' },
    ]);

    // The hook line written while no daemon ran was read exactly once, and moved the status.
    const hooks = await h.store.events.list({ agentId: live.id, types: ['agent.hook'] });
    expect(hooks.length).toBe(hooksBefore + 1);
    expect(hooks.at(-1)?.data).toMatchObject({
      hook: 'UserPromptSubmit',
      summary: 'UserPromptSubmit while you were away',
    });
    expect((await h.store.agents.get(live.id))?.status).toBe('working');

    // The dead one is restarted by policy, resuming its conversation.
    const restarted = await h.waitStatus(
      doomed.id,
      ['starting', 'working', 'idle'],
      'the vanished agent restarted',
    );
    expect(restarted.restartCount).toBe(1);
    await waitFor(
      () => h.starts().some((s) => s.argv[0] === '--resume' && s.env.FLOTILLA_AGENT_ID === doomed.id),
      'the resumed start',
    );

    // Strays are reported, never touched.
    expect((await h.tmux.listSessions()).map((p) => p.name)).toContain('flotilla-zzzzzz');
    expect(await h.repo.git(['worktree', 'list'])).toContain(strayPath);
    const [reconciled] = await h.store.events.list({ types: ['daemon.reconciled'] });
    expect(reconciled?.data.straySessions).toEqual(['flotilla-zzzzzz']);

    // The booted supervisor keeps watching by itself.
    process.kill(h.starts().find((s) => s.env.FLOTILLA_AGENT_ID === live.id)!.pid, 'SIGKILL');
    await waitFor(
      async () => (await h.store.agents.get(live.id))?.restartCount === 1,
      'the booted supervisor restarting a killed agent',
    );
  });

  it('re-derives the status the hooks last reported when a daemon died before applying it', async () => {
    h = await makeHarness();
    const agent = await h.sup.start((await h.task()).id);
    await h.sup.tick();
    await h.waitStatus(agent.id, 'idle');
    await h.sup.close();
    // As if the last hook line had been recorded but its status change lost.
    await h.store.agents.setStatus(agent.id, 'working', 'hook', 'hook');
    const hooks = (await h.store.events.list({ agentId: agent.id, types: ['agent.hook'] })).length;
    const report = await h.newSupervisor().boot();
    expect(report.adopted).toEqual([agent.id]);
    expect(await h.store.agents.get(agent.id)).toMatchObject({ status: 'idle', statusSource: 'hook' });
    // Nothing was read twice.
    expect((await h.store.events.list({ agentId: agent.id, types: ['agent.hook'] })).length).toBe(hooks);
  });

  it('re-arms a pending usage-limit resume persisted by the previous daemon', {
    timeout: 60_000,
  }, async () => {
    // The reset time is absolute: it must still be ahead when a loaded machine notices it.
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'usage-limit', FAKE_RESET_MS: '8000' } });
    const agent = await h.sup.start((await h.task()).id);
    await waitFor(async () => {
      await h.sup.tick();
      return h.sup.resumeAt(agent.id);
    }, 'the usage limit being noticed');
    await h.sup.close();
    const second = h.newSupervisor();
    await second.boot();
    expect(second.resumeAt(agent.id)).not.toBeNull();
    await waitFor(
      async () => (await h.tmux.capturePane(agent.tmuxSession)).includes('got: Continue the task'),
      'the re-armed resume firing',
      20_000,
    );
  });
});
