import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPromptText } from '../../../src/agents/prompt.js';
import { branchNameFor } from '../../../src/git/index.js';
import { TmuxServer } from '../../../src/tmux/index.js';
import { type Harness, makeHarness, waitFor } from './harness.js';

describe('Supervisor.start', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('starts an agent in its own worktree and session, prompt byte for byte, status from hooks', async () => {
    h = await makeHarness();
    const prompt = 'Fix $(rm -rf /) and `id`; echo "quoted" \'single\' \\ back\nline two\ttab $HOME * ?\n\n';
    const task = await h.task('Fix the parser', prompt);
    const agent = await h.sup.start(task.id.slice(0, 4));
    expect(agent).toMatchObject({ taskId: task.id, status: 'starting', adapter: 'fake', restartCount: 0 });
    expect(agent.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(agent.tmuxSession).toBe(`flotilla-${agent.id}`);
    expect(agent.branch).toBe(branchNameFor(task.id, task.title));

    const [start] = await waitFor(
      () => (h.starts().length > 0 ? h.starts() : null),
      'the fake agent recording its start',
    );
    // The prompt is the last argument, exactly as written: no shell ever interpreted it.
    expect(start!.argv.at(-1)).toBe(buildPromptText(task, { autoCommit: true }));
    expect(start!.argv.at(-1)).toContain(prompt.trim());
    expect(start!.argv.at(-1)?.endsWith('\n')).toBe(true);
    expect(start!.argv.slice(0, 2)).toEqual(['--session-id', agent.sessionId]);
    expect(start!.cwd).toBe(agent.worktreePath);
    expect(start!.env).toMatchObject({
      FLOTILLA_AGENT_ID: agent.id,
      FLOTILLA_HOME: h.paths.home,
      FLOTILLA_TASK_ID: task.id,
      PORT: '20000',
      FLOTILLA_PORT_BASE: '20000',
      FLOTILLA_PORT_COUNT: '10',
    });

    await h.sup.tick();
    await h.waitStatus(agent.id, 'idle', 'SessionStart then Stop hooks making the agent idle');
    const changes = (await h.store.events.list({ agentId: agent.id, types: ['agent.status_changed'] })).map(
      (e) => `${e.data.from}>${e.data.to}:${e.data.source}`,
    );
    expect(changes).toEqual(['starting>working:hook', 'working>idle:hook']);

    expect((await h.store.tasks.get(task.id))?.status).toBe('in_progress');
    const [wt] = await h.store.worktrees.list();
    expect(wt).toMatchObject({
      taskId: task.id,
      path: agent.worktreePath,
      branch: agent.branch,
      portBase: 20000,
    });
    expect(await h.repo.git(['branch', '--list', agent.branch])).toContain(agent.branch);
    const agentDir = join(h.paths.agentsDir, agent.id);
    expect(statSync(join(agentDir, 'prompt.txt')).mode & 0o777).toBe(0o600);
    expect(statSync(join(agentDir, 'settings.json')).mode & 0o777).toBe(0o600);
    expect(statSync(agentDir).mode & 0o777).toBe(0o700);
    await waitFor(
      () =>
        existsSync(join(agentDir, 'pane.log')) &&
        readFileSync(join(agentDir, 'pane.log'), 'utf8').includes('READY>'),
      'pane.log receiving the pane output',
    );
    expect(await h.sup.logs(agent.id, { lines: 5 })).toContain('READY>');

    // The next agent gets the next port block.
    const second = await h.sup.start((await h.task('Another')).id);
    const wt2 = (await h.store.worktrees.list()).find((w) => w.taskId === second.taskId);
    expect(wt2?.portBase).toBe(20010);
  });

  it('refuses a second live agent on the same task, naming the first', async () => {
    h = await makeHarness();
    const task = await h.task();
    const first = await h.sup.start(task.id);
    await expect(h.sup.start(task.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(first.id),
    });
  });

  describe('all or nothing', () => {
    async function expectNothingLeft(h: Harness, taskId: string, branchExisted = false) {
      expect(await h.store.agents.list({ all: true })).toEqual([]);
      expect(await h.store.worktrees.list({ includeRemoved: true })).toEqual([]);
      expect((await h.store.tasks.get(taskId))?.status).toBe('todo');
      expect(await h.tmux.listSessions()).toEqual([]);
      expect(readdirSync(h.paths.agentsDir)).toEqual([]);
      expect(
        existsSync(join(h.dir, 'worktrees'))
          ? readdirSync(join(h.dir, 'worktrees')).flatMap((d) => readdirSync(join(h.dir, 'worktrees', d)))
          : [],
      ).toEqual([]);
      const branches = await h.repo.git(['branch', '--list', 'flotilla/*']);
      if (branchExisted) expect(branches).not.toBe('');
      else expect(branches).toBe('');
      expect(await h.repo.git(['worktree', 'list', '--porcelain'])).not.toContain('flotilla/');
    }

    it('refuses an unknown agent name, listing the configured ones', async () => {
      h = await makeHarness();
      const task = await h.task();
      await expect(h.sup.start(task.id, { agent: 'nope' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        hint: expect.stringMatching(/claude-code.*fake/),
      });
      await expectNothingLeft(h, task.id);
    });

    it('refuses a command that is not on PATH, before touching anything', async () => {
      h = await makeHarness({
        config: { agents: { fake: { adapter: 'custom', command: 'no-such-agent-cli' } } },
      });
      const task = await h.task();
      const err = await h.sup.start(task.id).catch((e) => e);
      expect(err).toMatchObject({
        code: 'TOOL_MISSING',
        message: expect.stringContaining("'no-such-agent-cli' was not found on the daemon's PATH"),
      });
      expect(err.hint).toMatch(/agents\.fake\.command/);
      await expectNothingLeft(h, task.id);
    });

    it('refuses to start without tmux, saying how to install it', async () => {
      h = await makeHarness();
      const task = await h.task();
      const noTmux = h.newSupervisor({
        tmux: new TmuxServer({ socketPath: join(h.dir, 'sock2'), tmuxCommand: 'no-such-tmux' }),
      });
      await expect(noTmux.start(task.id)).rejects.toMatchObject({
        code: 'TOOL_MISSING',
        hint: expect.stringContaining('apt-get install tmux'),
      });
      await expectNothingLeft(h, task.id);
    });

    it('refuses a branch clash with CONFLICT and leaves the existing branch alone', async () => {
      h = await makeHarness();
      const task = await h.task('Clash here');
      await h.repo.git(['branch', branchNameFor(task.id, task.title)]);
      await expect(h.sup.start(task.id)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/creating the worktree failed: branch .* already exists/),
      });
      await expectNothingLeft(h, task.id, true);
    });

    it('undoes the worktree and its branch when the setup command fails', async () => {
      h = await makeHarness({ config: { worktrees: { setup: 'echo setting up; exit 7' } } });
      const task = await h.task();
      await expect(h.sup.start(task.id)).rejects.toMatchObject({
        code: 'PROCESS_FAILED',
        message: expect.stringMatching(/exited with 7/),
      });
      await expectNothingLeft(h, task.id);
    });

    it("fails with the agent's own words when it dies at once, and undoes everything", async () => {
      // A shell script: it must be dead before the start's probe looks, however busy the machine.
      const command = resolve(import.meta.dirname, '../../fixtures/agents/die-at-once.sh');
      h = await makeHarness({ config: { agents: { fake: { adapter: 'custom', command } } } });
      const task = await h.task();
      await expect(h.sup.start(task.id)).rejects.toMatchObject({
        code: 'PROCESS_FAILED',
        message: expect.stringMatching(/exited with 3 right after it started:[\s\S]*missing libfoo\.so/),
      });
      await expectNothingLeft(h, task.id);
    });
  });
});
