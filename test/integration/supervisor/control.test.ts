import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fakePaneAdapter } from './fake-adapter.js';
import { type Harness, makeHarness, tickUntil, waitFor } from './harness.js';

describe('controlling agents', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('stop escalates to SIGKILL for an agent that ignores SIGINT and SIGTERM, and keeps the worktree', async () => {
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'stubborn' } });
    const agent = await h.sup.start((await h.task()).id);
    await waitFor(() => h.starts().length === 1, 'the agent starting');
    const pid = h.starts()[0]!.pid;
    const stopped = await h.sup.stop(agent.id, 'user');
    expect(stopped.status).toBe('stopped');
    const [change] = (
      await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })
    ).filter((e) => e.data.to === 'stopped');
    expect(change?.data).toMatchObject({ source: 'user', detail: 'stopped by the user (SIGKILL)' });
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(agent.worktreePath)).toBe(true);
    expect(await h.repo.git(['branch', '--list', agent.branch])).toContain(agent.branch);
    // The session stays, dead but readable; the health monitor does not call that a crash.
    const pane = await h.tmux.paneInfo(agent.tmuxSession);
    expect(pane?.paneDead).toBe(true);
    for (let i = 0; i < 3; i++) await h.sup.tick();
    expect((await h.store.agents.get(agent.id))?.status).toBe('stopped');
    expect(await h.store.events.list({ agentId: agent.id, types: ['agent.restarted'] })).toEqual([]);
  });

  it('sends text literally, then Enter', async () => {
    h = await makeHarness();
    const agent = await h.sup.start((await h.task()).id);
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'idle',
      'the agent becoming idle',
    );
    await h.sup.send(agent.id, 'hello $(world); `x`', 'user');
    await waitFor(
      async () => (await h.tmux.capturePane(agent.tmuxSession)).includes('got: hello $(world); `x`'),
      'the agent echoing the text',
    );
    await h.sup.tick();
    await h.waitStatus(agent.id, 'working', 'the UserPromptSubmit hook');
  });

  /** A fake agent (FAKE_MODE `mode`) started and asking: needs_permission, its dialog on screen. */
  const atDialog = async (mode: string) => {
    h = await makeHarness({ agentEnv: { FAKE_MODE: mode } });
    const agent = await h.sup.start((await h.task()).id);
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'needs_permission',
      'needs_permission from the hook',
    );
    await waitFor(
      async () => (await h.tmux.capturePane(agent.tmuxSession)).includes('Allow?'),
      'the dialog on screen',
    );
    return agent;
  };

  it('approves and denies the permission dialog on screen, and refuses when there is none', async () => {
    const agent = await atDialog('dialog');
    await h.sup.approve(agent.id, {}, 'user');
    await waitFor(
      async () => (await h.tmux.capturePane(agent.tmuxSession)).includes('approved'),
      'the agent seeing the approval',
    );
    expect((await h.store.agents.get(agent.id))?.status).toBe('working');
    // Answered: the dialog text is still on screen, but no longer open.
    await expect(h.sup.deny(agent.id, {}, 'user')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('no permission dialog is open'),
    });
  });

  it('an answer does not write working over a turn that ended while the answer was being checked', async () => {
    const agent = await atDialog('dialog-quick');
    // The Stop hook lands while the answer still waits for the screen to show it was taken.
    await h.sup.approve(agent.id, {}, 'user');
    const after = await h.store.agents.get(agent.id);
    expect(after?.status, 'the idle the Stop hook reported, not the working the answer implies').toBe('idle');
    expect(after?.statusSource).toBe('hook');
  });

  it('takes status from the screen for an agent without hooks, debounced', async () => {
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'pane-only' }, adapter: fakePaneAdapter });
    const agent = await h.sup.start((await h.task()).id);
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'needs_input',
      'the screen saying NEEDS INPUT',
    );
    const changes = (await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })).map(
      (e) => e.data,
    );
    expect(changes.at(-1)).toMatchObject({ to: 'needs_input', source: 'pane' });
  });

  it('schedules a resume at the usage-limit reset time instead of counting a crash', {
    timeout: 60_000,
  }, async () => {
    // The reset time is absolute: it must still be ahead when a loaded machine notices it.
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'usage-limit', FAKE_RESET_MS: '6000' } });
    const agent = await h.sup.start((await h.task()).id);
    const limited = await tickUntil(
      h,
      async () => {
        const a = await h.store.agents.get(agent.id);
        return a?.status === 'rate_limited' ? a : null;
      },
      'the usage limit being noticed',
    );
    const [change] = (
      await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })
    ).filter((e) => e.data.to === 'rate_limited');
    expect(change?.data.detail).toMatch(/resumes at \d{4}-/);
    expect(h.sup.resumeAt(limited.id)).not.toBeNull();
    const saved = await h.store.db
      .selectFrom('agent_supervision')
      .selectAll()
      .where('agent_id', '=', agent.id)
      .executeTakeFirst();
    expect(saved?.resume_at).toBe(h.sup.resumeAt(limited.id));
    // At the reset time the supervisor nudges the agent to continue.
    await waitFor(
      async () => (await h.tmux.capturePane(agent.tmuxSession)).includes('got: Continue the task'),
      'the resume at the reset time',
      20_000,
    );
    expect(h.sup.resumeAt(agent.id)).toBeNull();
    expect((await h.store.agents.get(agent.id))?.restartCount).toBe(0);
  });

  it('reports an agent working with no activity as stuck, and samples its resources', async () => {
    h = await makeHarness({
      agentEnv: { FAKE_MODE: 'silent' },
      config: { limits: { stuck_after_seconds: 1 } },
    });
    const agent = await h.sup.start((await h.task()).id);
    const stuck = await tickUntil(
      h,
      async () =>
        (await h.store.events.list({ agentId: agent.id, types: ['agent.health'] })).find(
          (e) => e.data.check === 'stuck',
        ),
      'a stuck warning',
    );
    expect(stuck.data).toMatchObject({ level: 'warn', action: 'warn' });
    const res = h.sup.resources(agent.id);
    expect(res.latest?.processes).toBeGreaterThanOrEqual(1);
    expect(res.latest?.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('warns about an agent still starting with no sign from it, and keeps it starting', async () => {
    h = await makeHarness({ agentEnv: { FAKE_MODE: 'pane-only' }, supervisor: { startTimeoutMs: 300 } });
    const agent = await h.sup.start((await h.task()).id);
    const warning = await tickUntil(
      h,
      async () =>
        (await h.store.events.list({ agentId: agent.id, types: ['agent.health'] })).find(
          (e) => e.data.check === 'start-slow',
        ),
      'a start-slow warning',
    );
    expect(warning.data.message).toMatch(/still starting after/);
    expect((await h.store.agents.get(agent.id))?.status).toBe('starting');
  });

  it('applies the configured action when an agent goes over its memory limit', async () => {
    h = await makeHarness({
      agentEnv: { FAKE_MODE: 'silent' },
      config: { limits: { memory_mb: 1, action: 'stop' } },
    });
    const agent = await h.sup.start((await h.task()).id);
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'stopped',
      'the agent stopped for its memory use',
    );
    const [event] = (await h.store.events.list({ agentId: agent.id, types: ['agent.health'] })).filter(
      (e) => e.data.check === 'memory',
    );
    expect(event?.data).toMatchObject({
      action: 'stop',
      message: expect.stringMatching(/uses \d+ MiB \(limits\.memory_mb is 1\)/),
    });
    // The limit's stop is the supervisor's own decision, not a user's.
    const stops = (await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })).filter(
      (e) => e.data.to === 'stopped',
    );
    expect(stops.map((e) => [e.actor, e.data.source, e.data.detail])).toEqual([
      ['supervisor', 'supervisor', expect.stringMatching(/^memory limit/)],
    ]);
  });

  it('removes an agent as its caller, keeping its branch and its worktree (core removes that)', async () => {
    h = await makeHarness();
    const agent = await h.sup.start((await h.task()).id);
    await expect(h.sup.remove(agent.id, {}, 'api')).rejects.toMatchObject({ code: 'CONFLICT' });
    const out = await h.sup.remove(agent.id, { force: true }, 'api');
    expect(out.worktree).toBeNull();
    expect(out.agent.removedAt).not.toBeNull();
    expect(existsSync(agent.worktreePath)).toBe(true);
    expect(await h.repo.git(['branch', '--list', agent.branch])).toContain(agent.branch);
    expect(await h.tmux.listSessions()).toEqual([]);
    const events = await h.store.events.list({
      agentId: agent.id,
      types: ['agent.status_changed', 'agent.removed'],
    });
    // The forced stop and the removal are the caller's; the status source still says "a control".
    expect(
      events
        .slice(-2)
        .map((e) => [e.type, e.actor, e.type === 'agent.status_changed' ? e.data.source : null]),
    ).toEqual([
      ['agent.status_changed', 'api', 'user'],
      ['agent.removed', 'api', null],
    ]);
  });
});
