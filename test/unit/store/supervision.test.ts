import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeStoreFixture, type StoreFixture } from '../supervisor/store-fixture.js';

describe('store.supervision', () => {
  let fx: StoreFixture;
  beforeEach(async () => {
    fx = await makeStoreFixture();
  });
  afterEach(() => fx.cleanup());

  const events = async () =>
    (await fx.store.events.list({ agentId: fx.agent.id }))
      .map((e) => e.type)
      .filter((t) => t !== 'agent.created');

  it('records a hook line with the status change and facts it caused, in one commit', async () => {
    const committed: string[][] = [];
    // Events reach listeners once per commit, all of a transaction's together.
    let batch: string[] = [];
    const off = fx.store.onEvent((e) => {
      batch.push(e.type);
      queueMicrotask(() => {
        if (batch.length > 0) committed.push(batch);
        batch = [];
      });
    });
    const { agent } = await fx.store.supervision.recordHook(
      {
        agent: fx.agent,
        data: { hook: 'Stop', summary: 'Stop', hookTs: new Date().toISOString() },
        offset: 321,
      },
      {
        status: { status: 'idle', source: 'hook', actor: 'hook', detail: 'turn done' },
        facts: { lastMessage: 'All done.' },
      },
    );
    off();
    expect(agent).toMatchObject({ status: 'idle', statusDetail: 'turn done' });
    expect(committed).toEqual([['agent.hook', 'agent.status_changed']]);
    expect((await fx.store.supervision.get(fx.agent.id)).hookOffset).toBe(321);
    expect((await fx.store.agents.get(fx.agent.id))?.lastMessage).toBe('All done.');
  });

  it('records nothing of a hook line whose status change fails: not the event, not the offset', async () => {
    await expect(
      fx.store.supervision.recordHook(
        {
          agent: fx.agent,
          data: { hook: 'Stop', summary: 'Stop', hookTs: new Date().toISOString() },
          offset: 99,
        },
        // biome-ignore lint/suspicious/noExplicitAny: an invalid status on purpose
        { status: { status: 'bogus' as any, source: 'hook', actor: 'hook' } },
      ),
    ).rejects.toThrow(/unknown agent status/);
    expect(await events()).toEqual([]);
    expect((await fx.store.supervision.get(fx.agent.id)).hookOffset).toBe(0);
  });

  it('counts a restart once: restart count, pid, intensity window and agent.restarted together', async () => {
    const window = { windowSeconds: 60 };
    await fx.store.supervision.recordFailedRestart(fx.agent.id, 1_000, 60);
    const after = await fx.store.supervision.recordRestart(fx.agent, {
      at: 70_000,
      pid: 4242,
      actor: 'supervisor',
      reason: 'crashed; restart 1',
      resumed: true,
      intensity: window,
    });
    expect(after).toMatchObject({ restartCount: 1, pid: 4242, exitCode: null });
    // The attempt at 1 s fell out of the 60 s window ending at 70 s.
    expect((await fx.store.supervision.get(fx.agent.id)).restarts).toEqual([70_000]);
    const [restarted] = await fx.store.events.list({ agentId: fx.agent.id, types: ['agent.restarted'] });
    expect(restarted?.data).toMatchObject({ restartCount: 1, reason: 'crashed; restart 1', resume: true });
    // A user's restart is counted on the agent, not in the policy's window.
    await fx.store.supervision.recordRestart(after, {
      at: 80_000,
      pid: 4243,
      actor: 'user',
      reason: 'restarted by the user',
      resumed: true,
      intensity: null,
    });
    expect((await fx.store.agents.get(fx.agent.id))?.restartCount).toBe(2);
    expect((await fx.store.supervision.get(fx.agent.id)).restarts).toEqual([70_000]);
  });

  it('keeps and clears wakeups', async () => {
    await fx.store.supervision.setResumeAt(fx.agent.id, '2030-01-01T00:00:00.000Z');
    await fx.store.supervision.setRestartAt(fx.agent.id, '2030-01-01T00:01:00.000Z');
    expect(await fx.store.supervision.pendingWakeups()).toEqual([
      { agentId: fx.agent.id, resumeAt: '2030-01-01T00:00:00.000Z', restartAt: '2030-01-01T00:01:00.000Z' },
    ]);
    await fx.store.supervision.clearWakeups(fx.agent.id);
    expect(await fx.store.supervision.pendingWakeups()).toEqual([]);
  });
});
