import { afterEach, describe, expect, it } from 'vitest';
import { buildPromptText } from '../../../src/agents/prompt.js';
import { type Harness, makeHarness, waitFor } from './harness.js';

/** The fake agent driven by Flotilla's own `custom` adapter, as a user's `agents.<name>` entry would be. */
describe('a custom agent through the adapter registry', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('runs with liveness only, and is started afresh after a kill -9', async () => {
    h = await makeHarness({ adapter: 'registry', agentEnv: { FAKE_MODE: 'silent' } });
    const task = await h.task('Custom work', 'tidy $(the) `house`');
    const agent = await h.sup.start(task.id);
    expect(agent.sessionId).toBeNull();
    await waitFor(() => h.starts().length === 1, 'the custom agent starting');
    expect(h.starts()[0]!.argv).toEqual([buildPromptText(task, { autoCommit: true })]);
    // Hook lines are recorded even though the custom adapter draws no status from them.
    await waitFor(async () => {
      await h.sup.tick();
      return (await h.store.events.list({ agentId: agent.id, types: ['agent.hook'] })).length === 1;
    }, 'the hook line recorded');

    process.kill(h.starts()[0]!.pid, 'SIGKILL');
    await waitFor(async () => {
      await h.sup.tick();
      return (await h.store.agents.get(agent.id))?.restartCount === 1;
    }, 'the custom agent restarted');
    await waitFor(() => h.starts().length === 2, 'the second start');
    // Not resumable: the command runs again with the task prompt, in the same worktree.
    expect(h.starts()[1]!.argv).toEqual([buildPromptText(task, { autoCommit: true })]);
    expect(h.starts()[1]!.cwd).toBe(agent.worktreePath);
    const [restarted] = await h.store.events.list({ agentId: agent.id, types: ['agent.restarted'] });
    expect(restarted?.data).toMatchObject({ resume: false, restartCount: 1 });
  });

  it('moves from starting to working when its screen shows output', async () => {
    h = await makeHarness({ adapter: 'registry', agentEnv: { FAKE_MODE: 'pane-only' } });
    const agent = await h.sup.start((await h.task()).id);
    await waitFor(async () => {
      await h.sup.tick();
      return (await h.store.agents.get(agent.id))?.status === 'working';
    }, 'working from the first output');
    const [change] = await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] });
    expect(change?.data).toMatchObject({
      from: 'starting',
      to: 'working',
      source: 'pane',
      detail: 'output seen',
    });
  });

  it('a custom command that draws nothing and has no patterns is running, not starting for ever', async () => {
    h = await makeHarness({ adapter: 'registry', agentEnv: { FAKE_MODE: 'silent' } });
    const agent = await h.sup.start((await h.task()).id);
    const seen = await waitFor(
      async () => {
        await h.sup.tick();
        const a = await h.store.agents.get(agent.id);
        return a?.status === 'working' ? a : null;
      },
      'working once alive a few seconds',
      15_000,
    );
    expect(seen.statusSource).toBe('pane');
    expect(seen.statusDetail).toBe('running (nothing on screen yet)');
  });
});
