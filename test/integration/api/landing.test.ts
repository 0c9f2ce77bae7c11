import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Landing } from '../../../src/domain/landing.js';
import { TmuxServer } from '../../../src/tmux/index.js';
import { waitFor } from '../../helpers/cli.js';
import { type CustomAgentDaemon, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * The landing queue, review and the dispatcher on a real daemon: agents are shell scripts in tmux
 * that commit real work in their worktrees; every assertion reads git (refs, trees, files on
 * disk), the agent's screen, or the store through the API, never what the code was asked to do.
 */

interface TaskRow {
  id: string;
  status: string;
}
interface AgentRow {
  id: string;
  taskId: string;
  status: string;
  worktreePath: string;
}

/** Commits a file of its own and, when SHARED is set in its environment… it is not: see below. */
const WORKER = [
  'printf "%s\\n" "$FLOTILLA_TASK_ID" > "work-$FLOTILLA_TASK_ID.txt"',
  'git add "work-$FLOTILLA_TASK_ID.txt"',
  'git commit -qm "work on $FLOTILLA_TASK_ID"',
  'exec sleep 600',
].join(' && ');

async function task(
  fx: CustomAgentDaemon,
  title: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await fx.api('/tasks', { repoId: fx.repoId, title, ...extra });
  expect(r.status, r.text).toBe(201);
  return (r.json as { id: string }).id;
}
const getTask = async (fx: CustomAgentDaemon, id: string) => (await fx.api(`/tasks/${id}`)).json as TaskRow;
const agentsOf = async (fx: CustomAgentDaemon, taskId: string) =>
  ((await fx.api('/agents')).json as { agents: AgentRow[] }).agents.filter((a) => a.taskId === taskId);

/** Starts an agent on the task and waits until its commit is on its branch. */
async function startAndCommit(fx: CustomAgentDaemon, taskId: string): Promise<AgentRow> {
  const r = await fx.startAgent(taskId);
  expect(r.status, r.text).toBe(201);
  const agent = r.json as AgentRow;
  await waitFor(
    async () => (await fx.repo.git(['log', '--format=%s', '-1'], agent.worktreePath)) === `work on ${taskId}`,
    `task ${taskId}'s agent to commit`,
    { timeoutMs: 20_000 },
  );
  return agent;
}

async function landAndWait(fx: CustomAgentDaemon, taskId: string): Promise<Landing> {
  const r = await fx.api('/land', { tasks: [taskId] });
  expect(r.status, r.text).toBe(200);
  const id = (r.json as { queued: { landing: Landing }[] }).queued[0]?.landing.id;
  return waitFor(
    async () => {
      const { landings } = (await fx.api(`/landings?task=${taskId}`)).json as { landings: Landing[] };
      const l = landings.find((x) => x.id === id);
      return l && !['queued', 'running'].includes(l.state) ? l : null;
    },
    `the landing of ${taskId} to end`,
    { timeoutMs: 30_000 },
  );
}

describe('landing queue', () => {
  let fx: CustomAgentDaemon;
  beforeAll(async () => {
    fx = await startCustomAgentDaemon({
      agentName: 'worker',
      agentScript: WORKER,
      socketPrefix: 'flt-land',
      landing: true,
    });
  }, 60_000);
  afterAll(async () => {
    await fx?.cleanup();
  });

  it("lands a finished task on main, never touching the user's uncommitted changes, and tidies up", async () => {
    const id = await task(fx, 'Add a feature');
    const agent = await startAndCommit(fx, id);
    // The user is working in the main checkout meanwhile: a modified file, a staged one, an untracked one.
    fx.repo.write({ 'README.md': '# my local edit, not committed\n', 'notes.txt': 'scratch\n' });
    fx.repo.write({ 'staged.txt': 'staged\n' });
    await fx.repo.git(['add', 'staged.txt']);
    const before = {
      readme: readFileSync(join(fx.repo.path, 'README.md')),
      notes: readFileSync(join(fx.repo.path, 'notes.txt')),
      staged: await fx.repo.git(['diff', '--cached', '--name-only']),
      main: await fx.repo.git(['rev-parse', 'main']),
    };

    const landing = await landAndWait(fx, id);
    expect(landing.state, landing.message ?? '').toBe('landed');
    // The base moved by exactly the task's commit, on top of where it was.
    expect(await fx.repo.git(['rev-parse', 'main'])).toBe(landing.commit);
    expect(await fx.repo.git(['rev-parse', 'main~1'])).toBe(before.main);
    expect(await fx.repo.git(['log', '-1', '--format=%s', 'main'])).toBe(`work on ${id}`);
    // The checkout followed (the file is on disk) and the user's changes are byte-identical.
    expect(readFileSync(join(fx.repo.path, `work-${id}.txt`), 'utf8')).toBe(`${id}\n`);
    expect(readFileSync(join(fx.repo.path, 'README.md'))).toEqual(before.readme);
    expect(readFileSync(join(fx.repo.path, 'notes.txt'))).toEqual(before.notes);
    expect(await fx.repo.git(['diff', '--cached', '--name-only'])).toBe(before.staged);
    // Task done; agent stopped; worktree and merged branch removed.
    expect((await getTask(fx, id)).status).toBe('done');
    // Its agent is done: stopped as landed (not "by the user") and out of the fleet, kept in history.
    await waitFor(async () => (await agentsOf(fx, id)).length === 0, 'agent gone from the fleet');
    const all = (
      (await fx.api('/agents?all=true')).json as { agents: (AgentRow & { statusDetail: string | null })[] }
    ).agents.filter((a) => a.taskId === id);
    expect(all.map((a) => [a.status, a.statusDetail])).toEqual([
      ['stopped', 'stopped: its task landed (SIGINT)'],
    ]);
    const back = await fx.api(`/tasks/${id}/send-back`, { message: 'more' });
    expect(back.status).toBe(409);
    expect(back.text).toContain(`already landed on main at ${landing.commit?.slice(0, 10)}`);
    // Tidying up follows the landing (the landing is recorded first, with the task's move).
    await waitFor(async () => (await fx.repo.git(['branch', '--list', `*${id}*`])) === '', 'branch deleted');
    expect(await fx.repo.git(['worktree', 'list'])).not.toContain(agent.worktreePath);
  }, 60_000);

  it('refuses a task with nothing to land, and changes nothing', async () => {
    const id = await task(fx, 'Never started');
    const r = await fx.api('/land', { tasks: [id] });
    expect(r.status).toBe(409);
    expect(r.text).toContain('no branch yet');
    expect(((await fx.api(`/landings?task=${id}`)).json as { landings: Landing[] }).landings).toEqual([]);
  });

  it("a dependency done by hand but not landed blocks its dependent; once landed, the dependent's worktree has its code", async () => {
    const a = await task(fx, 'Schema');
    const b = await task(fx, 'API on the schema', { dependsOn: [a] });
    await startAndCommit(fx, a);
    expect((await fx.api(`/tasks/${a}/move`, { status: 'done' })).status).toBe(200);
    const refused = await fx.startAgent(b);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('done, not landed');

    expect((await fx.api(`/tasks/${a}/move`, { status: 'review' })).status).toBe(200);
    expect((await landAndWait(fx, a)).state).toBe('landed');
    const started = await fx.startAgent(b);
    expect(started.status, started.text).toBe(201);
    const wt = (started.json as AgentRow).worktreePath;
    expect(readFileSync(join(wt, `work-${a}.txt`), 'utf8')).toBe(`${a}\n`);
  }, 60_000);

  it('a branch merged by hand outside Flotilla moves its task to done', async () => {
    const id = await task(fx, 'Merged by hand');
    const agent = await startAndCommit(fx, id);
    const branch = await fx.repo.git(['rev-parse', '--abbrev-ref', 'HEAD'], agent.worktreePath);
    await fx.repo.git(['merge', '--squash', branch]);
    await fx.repo.git(['commit', '-qm', 'squash by hand']);
    await waitFor(async () => (await getTask(fx, id)).status === 'done', 'task done after a squash merge', {
      timeoutMs: 15_000,
    });
  }, 40_000);
});

describe('landing: verify and conflicts go back to the agent', () => {
  let fx: CustomAgentDaemon;
  let tmux: TmuxServer;
  beforeAll(async () => {
    // Every agent edits the same line of the same file: the second to land conflicts.
    fx = await startCustomAgentDaemon({
      agentName: 'editor',
      agentScript: [
        'printf "line from %s\\n" "$FLOTILLA_TASK_ID" > shared.txt',
        'git add shared.txt',
        'git commit -qm "work on $FLOTILLA_TASK_ID"',
        'exec sleep 600',
      ].join(' && '),
      socketPrefix: 'flt-land2',
      landing: true,
      repoConfig: [
        'landing:',
        "  verify: 'test ! -f must-not-exist || { echo VERIFY-SAYS-NO >&2; exit 3; }'",
      ],
    });
    await fx.repo.commit({ 'shared.txt': 'original\n' }, 'shared file');
    tmux = new TmuxServer({ socketName: fx.socket });
  }, 60_000);
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('the second of two agents editing the same line conflicts, is sent back with the hunk, and main holds only the first', async () => {
    const a = await task(fx, 'First edit');
    const b = await task(fx, 'Second edit');
    await startAndCommit(fx, a);
    const agentB = await startAndCommit(fx, b);
    expect((await landAndWait(fx, a)).state).toBe('landed');
    const mainAfterA = await fx.repo.git(['rev-parse', 'main']);

    const failed = await landAndWait(fx, b);
    expect(failed.state).toBe('sent_back');
    expect(failed.failure).toBe('conflict');
    expect(failed.conflicts.map((c) => c.path)).toEqual(['shared.txt']);
    expect(failed.conflicts[0]?.hunks.join('\n')).toContain(`line from ${a}`);
    expect(await fx.repo.git(['rev-parse', 'main'])).toBe(mainAfterA);
    expect((await getTask(fx, b)).status).toBe('in_progress');
    // The agent got the message, with the conflicting file, on its screen.
    const session = `flotilla-${agentB.id}`;
    await waitFor(
      async () => (await tmux.capturePane(session, { lines: 200 })).includes('shared.txt'),
      'message on screen',
    );
  }, 90_000);
});

describe('landing: a failing verify goes back to the agent with its output', () => {
  let fx: CustomAgentDaemon;
  let tmux: TmuxServer;
  beforeAll(async () => {
    fx = await startCustomAgentDaemon({
      agentName: 'worker',
      agentScript: WORKER,
      socketPrefix: 'flt-land3',
      landing: true,
      repoConfig: ['landing:', "  verify: 'echo VERIFY-SAYS-NO >&2; exit 3'", '  max_attempts: 2'],
    });
    tmux = new TmuxServer({ socketName: fx.socket });
  }, 60_000);
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('main does not move; the output is kept and typed to the agent; the last attempt waits for the user', async () => {
    const id = await task(fx, 'Breaks the tests');
    const agent = await startAndCommit(fx, id);
    const main = await fx.repo.git(['rev-parse', 'main']);
    const first = await landAndWait(fx, id);
    expect(first.state).toBe('sent_back');
    expect(first.failure).toBe('verify');
    expect(first.verifyExit).toBe(3);
    expect(first.verifyOutput).toContain('VERIFY-SAYS-NO');
    expect(await fx.repo.git(['rev-parse', 'main'])).toBe(main);
    await waitFor(
      async () => (await tmux.capturePane(`flotilla-${agent.id}`, { lines: 200 })).includes('VERIFY-SAYS-NO'),
      'the output on the agent screen',
    );
    // Second failure = landing.max_attempts: it stays with the user, not sent back.
    expect((await fx.api(`/tasks/${id}/move`, { status: 'review' })).status).toBe(200);
    const second = await waitFor(
      async () => {
        const { landings } = (await fx.api(`/landings?task=${id}`)).json as { landings: Landing[] };
        const l = landings.at(-1);
        return landings.length === 2 && l && !['queued', 'running'].includes(l.state) ? l : null;
      },
      'the second landing (queued again by itself when the task came back to review)',
      { timeoutMs: 30_000 },
    );
    expect(second.state).toBe('failed');
    expect(second.message).toContain('landing.max_attempts');
    expect(await fx.repo.git(['rev-parse', 'main'])).toBe(main);
  }, 90_000);
});

describe('dispatcher: scheduler.auto starts a dependent once its dependency lands', () => {
  let fx: CustomAgentDaemon;
  beforeAll(async () => {
    fx = await startCustomAgentDaemon({
      agentName: 'worker',
      agentScript: WORKER,
      socketPrefix: 'flt-land4',
      landing: true,
      repoConfig: ['scheduler:', '  auto: true'],
    });
  }, 60_000);
  afterAll(async () => {
    await fx?.cleanup();
  });

  it("A starts by itself; B waits until A has landed, then starts from a base with A's code", async () => {
    const a = await task(fx, 'A: the base layer');
    const b = await task(fx, 'B: needs A', { dependsOn: [a] });
    const agentA = await waitFor(async () => (await agentsOf(fx, a))[0], 'A started by the dispatcher', {
      timeoutMs: 20_000,
    });
    await waitFor(
      async () => (await fx.repo.git(['log', '--format=%s', '-1'], agentA.worktreePath)) === `work on ${a}`,
      "A's commit",
    );
    // A is committed but not landed: after a dispatch pass that saw this, B has not started.
    const since = new Date().toISOString();
    await waitFor(
      async () => {
        const { lastRunAt } = (await fx.api('/scheduler')).json as { lastRunAt: string | null };
        return lastRunAt !== null && lastRunAt > since;
      },
      'a dispatch pass after A committed',
      { timeoutMs: 15_000 },
    );
    expect(await agentsOf(fx, b)).toEqual([]);
    expect((await landAndWait(fx, a)).state).toBe('landed');
    const agentB = await waitFor(async () => (await agentsOf(fx, b))[0], 'B started after A landed', {
      timeoutMs: 20_000,
    });
    expect(readFileSync(join(agentB.worktreePath, `work-${a}.txt`), 'utf8')).toBe(`${a}\n`);
    const created = (await fx.api(`/events?task=${b}&type=agent.created`)).json as {
      events: { actor: string }[];
    };
    expect(created.events.map((e) => e.actor)).toEqual(['scheduler']);
  }, 90_000);
});
