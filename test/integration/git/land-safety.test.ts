import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  advanceBase,
  branchSummary,
  type LandingStrategy,
  prepareLanding,
  removeScratch,
} from '../../../src/git/index.js';
import { AGENT, commitAs, type LandFixture, landFixture } from './land-fixture.js';

let f: LandFixture;
beforeEach(async () => {
  f = await landFixture();
});
afterEach(() => f.repo.cleanup());

async function diverge(): Promise<string> {
  await commitAs(f.repo, { 'feature.txt': 'feature\n' }, 'add the feature', f.wt);
  await commitAs(f.repo, { 'b.txt': 'bee\nmore bee\n' }, 'extend b', f.wt);
  return f.repo.commit({ 'main.txt': 'landed meanwhile\n' }, 'main moves on');
}

const prepare = (strategy: LandingStrategy, base: string, scratchPath = f.scratch) =>
  prepareLanding({
    repoPath: f.repo.path,
    scratchPath,
    baseCommit: base,
    branch: f.branch,
    strategy,
    message: 'Land t1',
  });

const worktreePaths = async () =>
  (await f.repo.git(['worktree', 'list', '--porcelain']))
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));

describe("the user's repository setup does not steer a landing", () => {
  it('runs none of the repository hooks, in any strategy or when advancing the base', async () => {
    const base = await diverge();
    const marker = join(f.repo.root, 'hook-ran');
    const hooks = await f.repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'hooks']);
    mkdirSync(hooks, { recursive: true });
    for (const hook of [
      'pre-commit',
      'commit-msg',
      'post-commit',
      'post-rewrite',
      'post-checkout',
      'pre-rebase',
      'post-merge',
      'reference-transaction',
    ]) {
      f.repo.write({ [hook]: `#!/bin/sh\necho ${hook} >> '${marker}'\n` }, hooks);
      chmodSync(join(hooks, hook), 0o755);
    }
    for (const [i, strategy] of (['rebase', 'merge', 'squash'] as const).entries()) {
      const result = await prepare(strategy, base, `${f.scratch}-${i}`);
      expect(result.ok).toBe(true);
      if (strategy === 'squash' && result.ok) {
        const advanced = await advanceBase({
          repoPath: f.repo.path,
          baseRef: 'main',
          from: base,
          to: result.commit,
        });
        expect(advanced).toMatchObject({ advanced: true, how: 'fast-forward' });
      }
    }
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe('');
    // The hooks are live: the user's own commit runs them.
    await f.repo.git(['commit', '--quiet', '--allow-empty', '-m', 'by hand']);
    expect(readFileSync(marker, 'utf8')).toContain('pre-commit');
  });

  it('lands in a repository with no identity at all, as "Flotilla", keeping the authors of the work', async () => {
    const base = await diverge();
    await f.repo.git(['config', 'user.useConfigOnly', 'true']);
    const saved: Record<string, string | undefined> = {};
    for (const key of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) {
      saved[key] = process.env[key];
      delete process.env[key];
    }
    try {
      // Proof that git alone has no identity here.
      await expect(f.repo.git(['var', 'GIT_COMMITTER_IDENT'])).rejects.toThrow();
      const rebased = await prepare('rebase', base, `${f.scratch}-rebase`);
      const squashed = await prepare('squash', base, `${f.scratch}-squash`);
      if (!rebased.ok || !squashed.ok) throw new Error('landing conflicted');
      expect(await f.repo.git(['log', '--format=%an <%ae>|%cn <%ce>', `${base}..${rebased.commit}`])).toBe(
        [`${AGENT}|Flotilla <flotilla@localhost>`, `${AGENT}|Flotilla <flotilla@localhost>`].join('\n'),
      );
      expect(await f.repo.git(['log', '-1', '--format=%an <%ae>|%cn <%ce>', squashed.commit])).toBe(
        'Flotilla <flotilla@localhost>|Flotilla <flotilla@localhost>',
      );
      const advanced = await advanceBase({
        repoPath: f.repo.path,
        baseRef: 'main',
        from: base,
        to: squashed.commit,
      });
      expect(advanced).toMatchObject({ advanced: true });
    } finally {
      for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
    }
  });
});

describe('removeScratch', () => {
  it('removes the scratch worktree and its record, and is idempotent', async () => {
    const base = await diverge();
    expect((await prepare('rebase', base)).ok).toBe(true);
    f.repo.write({ 'build-output.txt': 'left by the verify command\n' }, f.scratch);
    expect(await worktreePaths()).toContain(f.scratch);
    await removeScratch(f.repo.path, f.scratch);
    expect(existsSync(f.scratch)).toBe(false);
    expect(await worktreePaths()).not.toContain(f.scratch);
    await removeScratch(f.repo.path, f.scratch);
    await removeScratch(f.repo.path, join(f.repo.root, 'never-made'));
  });

  it('clears the record of a scratch worktree whose directory is already gone', async () => {
    const base = await diverge();
    expect((await prepare('squash', base)).ok).toBe(true);
    rmSync(f.scratch, { recursive: true, force: true });
    await removeScratch(f.repo.path, f.scratch);
    expect(await worktreePaths()).not.toContain(f.scratch);
  });

  it('refuses to delete a directory that is not a worktree of the repository', async () => {
    f.repo.write({ 'precious.txt': 'keep\n' }, f.scratch);
    await expect(removeScratch(f.repo.path, f.scratch)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(readFileSync(join(f.scratch, 'precious.txt'), 'utf8')).toBe('keep\n');
  });
});

describe('branchSummary', () => {
  it("lists the branch's commits oldest first, its change since leaving the base, and ahead/behind", async () => {
    await diverge();
    const summary = await branchSummary(f.repo.path, 'main', f.branch);
    expect(summary.commits.map((c) => [c.subject, c.author, c.authorEmail])).toEqual([
      ['add the feature', 'Agent Smith', 'agent@flotilla.invalid'],
      ['extend b', 'Agent Smith', 'agent@flotilla.invalid'],
    ]);
    expect(summary.commits[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(Number.isNaN(Date.parse(summary.commits[0]?.date ?? ''))).toBe(false);
    // main.txt landed on the base meanwhile: not part of the branch's change.
    expect(summary.files.map((x) => [x.path, x.insertions, x.deletions])).toEqual([
      ['b.txt', 1, 0],
      ['feature.txt', 1, 0],
    ]);
    expect(summary).toMatchObject({ ahead: 2, behind: 1, totals: { files: 2, insertions: 2, deletions: 0 } });
    await expect(branchSummary(f.repo.path, 'main', 'no-such-branch')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
