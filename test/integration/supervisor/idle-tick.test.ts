import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, tickUntil, waitFor } from './harness.js';

describe('an idle fleet costs little per tick', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('asks tmux again only when something moved: a pane process gone is seen at once', async () => {
    h = await makeHarness();
    const agent = await h.sup.start((await h.task()).id);
    await waitFor(() => h.starts().length === 1, 'the agent starting');
    await h.sup.tick();
    await h.waitStatus(agent.id, 'idle');
    // Settled: a tick that finds every pane process alive and every pane log unchanged reuses
    // the last pane list instead of spawning tmux.
    await tickUntil(h, async () => (await h.sup.tick()).tmuxCalls === 0, 'a tick with no tmux call');
    const quiet = await h.sup.tick();
    expect(quiet).toMatchObject({ agents: 1, tmuxCalls: 0 });

    process.kill(h.starts()[0]!.pid, 'SIGKILL');
    // Seen as soon as the process is gone (once tmux has reaped it), well before the pane list
    // would be taken anyway (5 s): the tick asks tmux and hands the death on.
    const killedAt = Date.now();
    await tickUntil(h, async () => (await h.sup.tick()).tmuxCalls === 1 || null, 'a tick asking tmux');
    expect(Date.now() - killedAt).toBeLessThan(2_500);
    await tickUntil(
      h,
      async () => ((await h.store.agents.get(agent.id))?.restartCount === 1 ? true : null),
      'the killed agent being restarted',
    );
  });
});
