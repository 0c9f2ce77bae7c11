import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, tickUntil } from './harness.js';

/**
 * A live agent whose worktree directory is deleted under it (real tmux, real git worktree, the
 * fake agent): it used to stay `working` with no word to anyone. The health monitor reports it
 * once, as an `agent.health` event, and keeps a warning on the agent until the folder is back.
 */
describe('a vanished worktree', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('is reported once as a health event and shown as the agent warning', async () => {
    h = await makeHarness();
    const agent = await h.sup.start((await h.task()).id);
    await tickUntil(h, async () => (await h.store.agents.get(agent.id))?.status === 'idle', 'the agent idle');
    expect(h.sup.warning(agent.id)).toBeNull();

    rmSync(agent.worktreePath, { recursive: true, force: true });
    const event = await tickUntil(
      h,
      async () =>
        (await h.store.events.list({ agentId: agent.id, types: ['agent.health'] })).find(
          (e) => e.data.check === 'worktree',
        ),
      'a worktree health event',
    );
    expect(event.data).toMatchObject({ level: 'error' });
    expect(String(event.data.message)).toContain(`flotilla stop ${agent.id}`);
    expect(h.sup.warning(agent.id)).toMatch(/was deleted/);
    for (let i = 0; i < 3; i++) await h.sup.tick();
    const all = await h.store.events.list({ agentId: agent.id, types: ['agent.health'] });
    expect(
      all.filter((e) => e.data.check === 'worktree'),
      'reported once, not every tick',
    ).toHaveLength(1);
  });
});
