import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Landing } from '../../src/domain/landing.js';
import type { Task } from '../../src/domain/task.js';
import { simStep } from '../../src/sim/index.js';
import { waitFor } from '../helpers/cli.js';
import { type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * From task to main line with the real Claude Code (pinned) on the scripted model, the real
 * binary and daemon, tmux and git. `scheduler.auto` starts ready tasks; an interactive agent that
 * ends its turn with a commit moves its task to review; `flotilla land` (the Land button's route)
 * lands it after `landing.verify`. Checked by effect: the main line's commits, the files each
 * agent found in its worktree, what the model received.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e landing tests: ${skip}`);

/** A dependent agent proves its worktree has its dependencies' code: `cat` fails otherwise. */
const builds = (name: string, from: string[]) => ({
  name,
  steps: [
    simStep.bash(
      `cat ${from.length ? from.join(' ') : '/dev/null'} > ${name}.txt && echo ${name} >> ${name}.txt && git add ${name}.txt && git commit -q -m 'add ${name}' && git log --oneline -1`,
      `Build ${name} on ${from.join(', ') || 'nothing'}`,
    ),
    simStep.text(`Added ${name}.txt.`),
  ],
});

describe.skipIf(skip !== null)(`e2e: landing${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let w: E2eWorld;

  beforeAll(async () => {
    w = await makeE2eWorld({
      script: {
        conversations: [
          builds('alpha', []),
          builds('beta', ['alpha.txt']),
          builds('gamma', ['alpha.txt', 'beta.txt']),
          {
            name: 'headless',
            steps: [
              simStep.bash(
                "echo one > h.txt && git add h.txt && git commit -qm 'h: one' && git log --oneline -1",
                'First',
              ),
              simStep.text('Wrote h.txt.'),
              // Sent back from review: the same session resumes with the reviewer's message.
              simStep.bash("echo two >> h.txt && git commit -qam 'h: two' && git log --oneline -1", 'Second'),
              simStep.text('Added the second line.'),
            ],
          },
          {
            name: 'left',
            steps: [
              simStep.bash(
                "printf 'left wins\\n' > shared.txt && git commit -qam 'left edit' && git log --oneline -1",
                'Edit shared.txt',
              ),
              simStep.text('Edited shared.txt.'),
            ],
          },
          {
            name: 'right',
            steps: [
              simStep.bash(
                "printf 'right wins\\n' > shared.txt && git commit -qam 'right edit' && git log --oneline -1",
                'Edit shared.txt',
              ),
              simStep.text('Edited shared.txt.'),
              // Sent back with the conflict: rebase onto main keeping this side's line, and finish.
              simStep.bash('git rebase -X theirs main && git log --oneline -1', 'Rebase onto main'),
              simStep.text('Rebased onto main; the conflict is resolved.'),
            ],
          },
        ],
      },
      config: {
        agent: 'claude-auto',
        scheduler: { auto: true },
        landing: { verify: 'test -s alpha.txt || test -s shared.txt || test -s h.txt' },
      },
    });
  }, 90_000);
  afterAll(async () => {
    await w?.cleanup();
  }, 60_000);

  const landed = async (taskId: string): Promise<Landing> => {
    const r = await w.flotilla(['land', taskId, '--wait', '--json']);
    const { landings } = JSON.parse(r.stdout) as { landings: Landing[] };
    const last = landings.at(-1) as Landing;
    expect(last.state, `${last.message}\n${r.stderr}`).toBe('landed');
    return last;
  };
  const status = async (id: string) => (await w.json<Task>(['task', 'show', id])).status;
  const reviewOf = async (id: string) =>
    waitFor(async () => (await status(id)) === 'review', `task ${id} in review`, {
      timeoutMs: 120_000,
      intervalMs: 500,
    });

  it('A → B → C: each starts by itself once its dependency landed, and main holds the three landings in order', async () => {
    const base = w.sb.git(['rev-parse', 'main']).trim();
    const a = await w.json<Task>(['task', 'add', 'Alpha', '--prompt', '[[sim:alpha]] write alpha.txt']);
    const b = await w.json<Task>([
      'task',
      'add',
      'Beta',
      '--prompt',
      '[[sim:beta]] build on alpha',
      '--depends-on',
      a.id,
    ]);
    const c = await w.json<Task>([
      'task',
      'add',
      'Gamma',
      '--prompt',
      '[[sim:gamma]] build on both',
      '--depends-on',
      b.id,
    ]);

    for (const t of [a, b, c]) {
      await reviewOf(t.id);
      // Nothing else started meanwhile: the next task waits for this landing.
      await landed(t.id);
      expect(await status(t.id)).toBe('done');
    }
    const subjects = w.sb
      .git(['log', '--format=%s', `${base}..main`])
      .trim()
      .split('\n');
    expect(subjects).toEqual(['add gamma', 'add beta', 'add alpha']);
    // Gamma's agent found both earlier files in its worktree: its file holds their lines.
    expect(w.sb.git(['show', 'main:gamma.txt'])).toBe('alpha\nalpha\nbeta\ngamma\n');
    // Each agent was started by the dispatcher, not by hand.
    for (const t of [a, b, c]) {
      const created = await w.events({ task: t.id, type: 'agent.created' });
      expect(created.map((e) => e.actor)).toEqual(['scheduler']);
    }
  }, 400_000);

  it('two agents edit the same line: predicted, the second conflicts, goes back with the hunk, resolves and lands', async () => {
    writeFileSync(join(w.sb.repo, 'shared.txt'), 'original\n');
    w.sb.git(['add', 'shared.txt']);
    w.sb.git(['commit', '-q', '-m', 'shared file']);
    const left = await w.json<Task>(['task', 'add', 'Left', '--prompt', '[[sim:left]] edit shared.txt']);
    const right = await w.json<Task>(['task', 'add', 'Right', '--prompt', '[[sim:right]] edit shared.txt']);
    await reviewOf(left.id);
    await reviewOf(right.id);

    // Predicted before either lands: the pair conflicts on shared.txt.
    type Prediction = { repos: { pairs: { conflicts: boolean; files: { path: string }[] }[] }[] };
    await waitFor(
      async () =>
        (await w.json<Prediction>(['conflicts'])).repos
          .flatMap((r) => r.pairs)
          .some((p) => p.conflicts && p.files.some((f) => f.path === 'shared.txt')),
      'the conflict predicted',
      { timeoutMs: 60_000, intervalMs: 1000 },
    );

    await landed(left.id);
    const r = await w.flotilla(['land', right.id, '--wait', '--json']);
    const first = (JSON.parse(r.stdout) as { landings: Landing[] }).landings.at(-1) as Landing;
    expect(first.state).toBe('sent_back');
    expect(first.conflicts.map((f) => f.path)).toEqual(['shared.txt']);
    // The model received the conflict, with the other side's line, as a user message.
    await waitFor(
      () =>
        w.sim.requests.some((req) => {
          const text = JSON.stringify(req);
          return text.includes('left wins') && text.includes('Conflicting file: shared.txt');
        }),
      'the conflict message at the model',
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    // The agent resolves, its turn ends, the task is back in review and lands by itself.
    await waitFor(
      async () => {
        const { landings } = await w.api<{ landings: Landing[] }>(`/api/v1/landings?task=${right.id}`);
        return landings.some((l) => l.state === 'landed') ? landings : null;
      },
      'the second landing of the resolved branch',
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    expect(w.sb.git(['show', 'main:shared.txt'])).toBe('right wins\n');
    expect(w.sb.git(['log', '--format=%s', '-2', 'main']).trim().split('\n')).toEqual([
      'right edit',
      'left edit',
    ]);
  }, 400_000);

  it('send back resumes a finished headless run in its own session with the message, and it lands after', async () => {
    const t = await w.json<Task>(['task', 'add', 'Headless', '--prompt', '[[sim:headless]] write h.txt']);
    // scheduler.auto starts it interactive by default; this one is a headless run, started by hand
    // before the dispatcher's next pass (a task already started is not started twice).
    const started = await w.flotilla(['start', t.id, '--mode', 'headless', '--json']);
    const agentId = started.code === 0 ? (JSON.parse(started.stdout) as { id: string }).id : null;
    await reviewOf(t.id);
    const first = agentId ?? (await w.agents()).find((a) => a.taskId === t.id)?.id;
    expect(first).toBeTruthy();

    const back = await w.flotilla(['review', t.id, '--send-back', 'Please add a second line to h.txt.']);
    expect(back.code, back.stderr).toBe(0);
    await waitFor(
      () => w.sim.requests.some((req) => JSON.stringify(req).includes('Please add a second line to h.txt.')),
      'the reviewer message at the model',
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await reviewOf(t.id);
    await landed(t.id);
    expect(w.sb.git(['show', 'main:h.txt'])).toBe('one\ntwo\n');
  }, 300_000);
});
