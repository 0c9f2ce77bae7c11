import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branchNameFor } from '../../src/git/branch-name.js';
import { simStep } from '../../src/sim/index.js';
import { waitFor } from '../helpers/cli.js';
import { type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * A kept branch, end to end: an agent commits, is removed with its worktree (its branch stays),
 * and `start --reuse-branch` carries on from that branch with its commit. What `rm`, `worktree
 * list`, `worktree clean [--dry-run]` and `worktree prune` print is what happened.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e branch tests: ${skip}`);

describe.skipIf(skip !== null)(`e2e: kept branches${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let w: E2eWorld;

  beforeAll(async () => {
    w = await makeE2eWorld({
      script: {
        conversations: [
          {
            name: 'delta',
            steps: [
              simStep.write('{{cwd}}/delta.txt', 'delta was here\n', 'Creating delta.txt.'),
              simStep.commitAll('add delta.txt'),
              simStep.text('Committed delta.txt.'),
            ],
          },
        ],
      },
      config: { agent: 'claude-auto' },
    });
  }, 60_000);
  afterAll(async () => {
    await w?.cleanup();
  }, 60_000);

  it('rm keeps the branch and says so; start --reuse-branch starts from it with its commits', async () => {
    const task = await w.addTask('Create delta.txt', '[[sim:delta]] create delta.txt and commit it');
    const branch = branchNameFor(task.id, task.title);
    const first = await w.json<{ id: string; worktreePath: string }>(['start', task.id]);
    await waitFor(
      () => w.sb.git(['log', '--format=%s', `main..${branch}`]).trim() === 'add delta.txt',
      'the agent to commit delta.txt',
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    await w.waitForAgent(first.id, (a) => a.status === 'idle', 'the agent to finish its turn', 60_000);

    // A live agent's worktree is skipped, its status said in words.
    const busy = await w.flotilla(['worktree', 'clean', '--dry-run']);
    expect(busy.code, busy.stderr).toBe(0);
    expect(busy.stderr).toContain(`skipped ${first.worktreePath}: agent ${first.id} is idle in it`);
    expect(busy.stderr).not.toMatch(/ is [a-z]+_[a-z]+ in it/);

    // One file changed: "1 file", not "1 files".
    const list = await w.flotilla(['worktree', 'list']);
    expect(list.stdout).toMatch(/ 1 file \+1 -0/);

    expect((await w.flotilla(['stop', first.id])).code).toBe(0);

    // The dry run says line for line what the real run does, and exits 0.
    const dry = await w.flotilla(['worktree', 'clean', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).not.toContain('error:');
    expect(dry.stdout).toContain(`would keep ${first.worktreePath}: 1 commit not in main`);
    const real = await w.flotilla(['worktree', 'clean']);
    expect(real.code).toBe(4);
    expect(real.stdout.replaceAll('kept ', 'would keep ')).toBe(dry.stdout);
    expect(existsSync(first.worktreePath)).toBe(true);

    const removed = await w.flotilla(['rm', first.id, '--worktree']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout.trim()).toBe(`removed ${first.id} and its worktree; branch ${branch} kept`);
    expect(existsSync(first.worktreePath)).toBe(false);

    // Starting again without the option: the hint names the option that exists.
    const clash = await w.flotilla(['start', task.id]);
    expect(clash.code).toBe(4);
    expect(clash.stderr).toContain(`flotilla start ${task.id} --reuse-branch`);

    const again = await w.json<{ id: string; worktreePath: string; branch: string }>([
      'start',
      task.id,
      '--reuse-branch',
    ]);
    expect(again.branch).toBe(branch);
    expect(readFileSync(join(again.worktreePath, 'delta.txt'), 'utf8')).toBe('delta was here\n');
    expect(w.sb.git(['log', '--format=%s', '-1', branch]).trim()).toBe('add delta.txt');
    expect((await w.flotilla(['stop', again.id])).code).toBe(0);

    // The branch deleted by hand before rm: rm says so instead of "kept".
    w.sb.git(['worktree', 'remove', '--force', again.worktreePath]);
    w.sb.git(['branch', '-D', branch]);
    const gone = await w.flotilla(['rm', again.id]);
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.stdout).toContain(`branch ${branch} no longer exists`);
    expect(gone.stdout).not.toContain('kept');

    // prune speaks words, not JSON.
    const pruned = await w.flotilla(['worktree', 'prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).not.toContain('{');
  }, 240_000);

  it('--reuse-branch refuses a missing branch and one checked out elsewhere, changing nothing', async () => {
    const missing = await w.addTask('No branch yet');
    const r1 = await w.flotilla(['start', missing.id, '--reuse-branch']);
    expect(r1.code).toBe(3);
    expect(r1.stderr).toContain(`branch ${branchNameFor(missing.id, missing.title)} does not exist`);
    expect(r1.stderr).toContain('start without --reuse-branch');

    const held = await w.addTask('Held elsewhere');
    const branch = branchNameFor(held.id, held.title);
    const elsewhere = join(w.sb.dir, 'elsewhere');
    w.sb.git(['worktree', 'add', '-q', '-b', branch, elsewhere]);
    const r2 = await w.flotilla(['start', held.id, '--reuse-branch']);
    expect(r2.code).toBe(4);
    expect(r2.stderr).toContain(`branch ${branch} is checked out in ${elsewhere}`);
    expect((await w.agents()).filter((a) => a.taskId === held.id)).toEqual([]);
  }, 60_000);
});
