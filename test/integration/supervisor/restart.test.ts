import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, tickUntil, waitFor } from './harness.js';

describe('restart policy', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('restarts an agent killed with SIGKILL, resuming its own conversation', async () => {
    h = await makeHarness();
    const agent = await h.sup.start((await h.task()).id);
    await waitFor(() => h.starts().length === 1, 'the agent starting');
    const pid = h.starts()[0]!.pid;
    await h.sup.tick();
    await h.waitStatus(agent.id, 'idle');
    process.kill(pid, 'SIGKILL');

    const restarted = await tickUntil(
      h,
      async () => {
        const a = await h.store.agents.get(agent.id);
        return a && a.restartCount === 1 && a.status !== 'restarting' ? a : null;
      },
      'the killed agent being restarted',
    );
    expect(restarted.status).toMatch(/starting|working|idle/);
    await waitFor(() => h.starts().length === 2, 'the restarted agent recording its start');
    const resumed = h.starts()[1]!;
    expect(resumed.argv).toEqual(['--resume', agent.sessionId]);
    expect(resumed.cwd).toBe(agent.worktreePath);
    expect(resumed.pid).not.toBe(pid);

    const statuses = (await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })).map(
      (e) => e.data,
    );
    expect(statuses).toContainEqual(
      expect.objectContaining({
        from: 'idle',
        to: 'crashed',
        source: 'liveness',
        detail: 'killed by signal 9',
      }),
    );
    expect(statuses).toContainEqual(expect.objectContaining({ from: 'crashed', to: 'restarting' }));
    const [event] = await h.store.events.list({ agentId: agent.id, types: ['agent.restarted'] });
    expect(event?.data).toMatchObject({ restartCount: 1, resume: true, sessionId: agent.sessionId });
    // Same session, respawned in place.
    expect((await h.tmux.listSessions()).map((p) => p.name)).toEqual([agent.tmuxSession]);
  });

  it('gives up at the intensity limit: crashed for good, with an event saying why', async () => {
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'crash' } });
    const agent = await h.sup.start((await h.task()).id);
    const final = await tickUntil(
      h,
      async () =>
        (await h.store.events.list({ agentId: agent.id, types: ['agent.health'] })).find((e) => e.data.final),
      'the supervisor giving up on a crash loop',
      20_000,
    );
    expect(final.data.message).toMatch(
      /exited with 1 and will not be restarted: restarted 3 times within 60 s/,
    );
    expect(final.data.lastOutput).toContain('fake agent crashing');
    const a = await h.store.agents.get(agent.id);
    expect(a).toMatchObject({ status: 'crashed', restartCount: 3, exitCode: 1 });
    // No more restarts after giving up.
    for (let i = 0; i < 5; i++) await h.sup.tick();
    expect((await h.store.agents.get(agent.id))?.restartCount).toBe(3);
    expect(h.starts()).toHaveLength(4);
  });

  it('does not restart a clean exit under on-failure; a headless agent hands its task to review', async () => {
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'exit0' } });
    const task = await h.task();
    const agent = await h.sup.start(task.id, { mode: 'headless' });
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'exited',
      'the agent exiting',
    );
    expect(await h.store.agents.get(agent.id)).toMatchObject({ exitCode: 0, restartCount: 0 });
    await waitFor(
      async () => (await h.store.tasks.get(task.id))?.status === 'review',
      'the task moving to review',
    );
  });

  it('restarts a clean exit under always', async () => {
    h = await makeHarness({
      agentEnv: { FAKE_MODE: 'exit0', FAKE_RESUME_MODE: 'idle' },
      config: { restart: { policy: 'always' } },
    });
    const agent = await h.sup.start((await h.task()).id);
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.restartCount === 1,
      'a clean exit restarted',
    );
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'idle',
      'the restarted agent idle',
    );
  });

  it('recovers every agent when the whole tmux server is killed', async () => {
    h = await makeHarness();
    const a = await h.sup.start((await h.task()).id);
    const b = await h.sup.start((await h.task()).id);
    await waitFor(() => h.starts().length === 2, 'both agents starting');
    await h.tmux.killServer();
    await tickUntil(
      h,
      async () => {
        const rows = await Promise.all([a.id, b.id].map((id) => h.store.agents.get(id)));
        return rows.every((r) => r?.restartCount === 1 && r.status !== 'restarting');
      },
      'both agents restarted after the tmux server died',
    );
    const sessions = (await h.tmux.listSessions()).map((p) => p.name).sort();
    expect(sessions).toEqual([a.tmuxSession, b.tmuxSession].sort());
    const vanished = await h.store.events.list({ agentId: a.id, types: ['agent.status_changed'] });
    expect(vanished.map((e) => e.data.detail)).toContain('its tmux session vanished');
    await waitFor(() => h.starts().length === 4, 'both agents running again');
    expect(
      h
        .starts()
        .slice(2)
        .every((s) => s.argv[0] === '--resume'),
    ).toBe(true);
  });

  it('lets a user restart a stopped agent, which does not count toward the intensity limit', async () => {
    h = await makeHarness();
    const agent = await h.sup.start((await h.task()).id);
    await h.sup.stop(agent.id, 'user');
    const restarted = await h.sup.restart(agent.id, 'user');
    expect(restarted).toMatchObject({ status: 'starting', restartCount: 1 });
    await waitFor(() => h.starts().length === 2, 'the agent starting again');
    expect(h.starts()[1]!.argv).toEqual(['--resume', agent.sessionId]);
    const [event] = await h.store.events.list({ agentId: agent.id, types: ['agent.restarted'] });
    expect(event?.actor).toBe('user');
  });
});

describe('headless stream lines', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('take status and usage from the stream, and the task goes to review on a clean exit', async () => {
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'stream' } });
    const task = await h.task();
    const agent = await h.sup.start(task.id, { mode: 'headless' });
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'exited',
      'the headless run ending',
    );
    expect(await h.sup.usage(agent.id)).toMatchObject({ inputTokens: 2000, costUsd: 0.75, reports: 2 });
    const sources = (await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })).map(
      (e) => e.data.source,
    );
    expect(sources).toContain('stream');
    expect((await h.store.tasks.get(task.id))?.status).toBe('review');

    // A new daemon rebuilds the totals from the pane log without recording any status twice.
    const before = (await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })).length;
    await h.sup.close();
    const second = h.newSupervisor();
    await second.boot();
    expect(await second.usage(agent.id)).toMatchObject({ inputTokens: 2000, costUsd: 0.75, reports: 2 });
    expect((await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })).length).toBe(
      before,
    );
  });

  it('a run that ends on a usage limit waits for the reset instead of burning restarts', async () => {
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'stream-limited' } });
    const agent = await h.sup.start((await h.task()).id, { mode: 'headless' });
    const a = await tickUntil(
      h,
      async () => {
        const row = await h.store.agents.get(agent.id);
        return row?.status === 'rate_limited' ? row : null;
      },
      'the limited run ending',
    );
    expect(a.restartCount).toBe(0);
    expect(h.sup.resumeAt(agent.id)).not.toBeNull();
    const [last] = await h.store.events.list({
      agentId: agent.id,
      types: ['agent.status_changed'],
      order: 'desc',
      limit: 1,
    });
    expect(last?.data.detail).toMatch(/resumes at \d{4}-/);
    for (let i = 0; i < 5; i++) await h.sup.tick();
    expect((await h.store.agents.get(agent.id))?.restartCount).toBe(0);
  });
});
