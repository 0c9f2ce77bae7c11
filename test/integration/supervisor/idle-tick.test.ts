import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, tickUntil, waitFor } from './harness.js';

describe('an idle fleet costs little per tick', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('asks tmux again only when something moved; a death is still seen', async () => {
    h = await makeHarness();
    const agent = await h.sup.start((await h.task()).id);
    await waitFor(() => h.starts().length === 1, 'the agent starting');
    await h.sup.tick();
    await h.waitStatus(agent.id, 'idle');
    // Settled: a tick that finds every pane process alive and every pane log unchanged reuses
    // the last pane list instead of spawning tmux.
    await waitFor(async () => (await h.sup.tick()).tmuxCalls === 0, 'a tick with no tmux call');
    const quiet = await h.sup.tick();
    expect(quiet).toMatchObject({ agents: 1, tmuxCalls: 0 });

    process.kill(h.starts()[0]!.pid, 'SIGKILL');
    // The pane process gone (once tmux has reaped it) makes the next tick ask tmux, which hands
    // the death on; at the latest the list is taken again after 5 s. Either way it is seen.
    await waitFor(async () => (await h.sup.tick()).tmuxCalls === 1, 'a tick asking tmux');
    await tickUntil(
      h,
      async () => ((await h.store.agents.get(agent.id))?.restartCount === 1 ? true : null),
      'the killed agent being restarted',
    );
  });
});
