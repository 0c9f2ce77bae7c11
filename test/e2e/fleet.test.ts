import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPromptText } from '../../src/agents/prompt.js';
import { branchNameFor } from '../../src/git/branch-name.js';
import { simStep } from '../../src/sim/index.js';
import { waitFor } from '../helpers/cli.js';
import { type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * A fleet on one repo, end to end. Real processes: the `flotilla` binary, its daemon, tmux
 * (private socket), git, Claude Code 2.1.197 (TUI, one per agent), the scripted model; all
 * inside one loopback-only network namespace. One sandbox and daemon for the whole file: the
 * scenarios touch different tasks. Order matters only for the last one (cleaning worktrees).
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e fleet tests: ${skip}`);

const FILES = { a: 'alpha.txt', b: 'beta.txt', c: 'gamma.txt' } as const;
type Key = keyof typeof FILES;
const writeAndCommit = (key: Key) => ({
  name: `fleet-${key}`,
  steps: [
    simStep.write(`{{cwd}}/${FILES[key]}`, `${key} was here\n`, `Creating ${FILES[key]}.`),
    simStep.commitAll(`add ${FILES[key]}`),
    simStep.text(`Committed ${FILES[key]}.`),
  ],
});
const META = '[[sim:meta]]';

describe.skipIf(skip !== null)(
  `e2e: a fleet of Claude Code agents${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let w: E2eWorld;
    let mainHead: string;
    const byKey = new Map<Key, { taskId: string; agentId: string; branch: string; worktree: string }>();

    beforeAll(async () => {
      w = await makeE2eWorld({
        script: {
          conversations: [
            writeAndCommit('a'),
            writeAndCommit('b'),
            writeAndCommit('c'),
            { name: 'meta', steps: [simStep.text('Read it.')] },
          ],
        },
        config: { agent: 'claude-auto' },
      });
      mainHead = w.sb.git(['rev-parse', 'HEAD']).trim();
    }, 60_000);
    afterAll(async () => {
      await w?.cleanup();
    }, 60_000);

    it('three agents on three tasks in parallel: each commits in its own worktree, on its own branch', async () => {
      const t0 = Date.now();
      for (const key of Object.keys(FILES) as Key[]) {
        await w.addTask(`Create ${FILES[key]}`, `[[sim:fleet-${key}]] create ${FILES[key]} and commit it`);
      }
      const up = await w.json<{
        started: { id: string; taskId: string; branch: string; worktreePath: string; taskTitle: string }[];
      }>(['up']);
      expect(up.started).toHaveLength(3);
      for (const a of up.started) {
        const key = (Object.keys(FILES) as Key[]).find((k) => a.taskTitle === `Create ${FILES[k]}`);
        expect(key, a.taskTitle).toBeDefined();
        byKey.set(key as Key, {
          taskId: a.taskId,
          agentId: a.id,
          branch: a.branch,
          worktree: a.worktreePath,
        });
      }
      for (const [key, a] of byKey) {
        await waitFor(
          () => w.sb.git(['log', '--format=%H', `main..${a.branch}`]).trim() !== '',
          `agent ${a.agentId} to commit ${FILES[key]} on ${a.branch}`,
          { timeoutMs: 90_000, intervalMs: 500 },
        ).catch(async (e: Error) => {
          throw new Error(`${e.message}\nscreen:\n${await w.screen(a.agentId)}`);
        });
        await w.waitForAgent(a.agentId, (x) => x.status === 'idle', 'its turn to end (Stop hook)');
      }
      for (const [key, a] of byKey) {
        const commits = w.sb
          .git(['log', '--format=%H', `main..${a.branch}`])
          .trim()
          .split('\n');
        expect(commits, `${a.branch} holds exactly one commit`).toHaveLength(1);
        const touched = w.sb.git(['show', '--name-only', '--format=', commits[0] as string]).trim();
        expect(touched).toBe(FILES[key]);
        expect(w.sb.git(['show', `${a.branch}:${FILES[key]}`])).toBe(`${key} was here\n`);
        expect(a.worktree.startsWith(join(w.sb.stateDir, 'worktrees'))).toBe(true);
        expect(w.sb.git(['status', '--porcelain'], a.worktree).trim(), 'worktree left clean').toBe('');
      }
      expect(new Set([...byKey.values()].map((a) => a.branch)).size).toBe(3);
      // The main checkout: untouched.
      expect(w.sb.git(['status', '--porcelain']).trim()).toBe('');
      expect(w.sb.git(['rev-parse', 'HEAD']).trim()).toBe(mainHead);
      expect(w.sb.git(['symbolic-ref', '--short', 'HEAD']).trim()).toBe('main');
      for (const f of Object.values(FILES)) expect(existsSync(join(w.sb.repo, f))).toBe(false);
      console.info(`e2e fleet: three agents committed in ${Date.now() - t0} ms`);
    }, 180_000);

    it('an unknown agent name is refused with the configured agents listed, and nothing is created', async () => {
      const task = await w.addTask('Never started', `${META} never`);
      const sessionsBefore = await w.sessions();
      const r = await w.flotilla(['start', task.id, '--agent', 'nope']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/unknown agent 'nope'/);
      expect(r.stderr).toMatch(/claude-auto/);
      expect(r.stderr).toMatch(/claude-code/);
      expect(await w.sessions()).toEqual(sessionsBefore);
      expect(w.sb.git(['branch', '--list', `flotilla/${task.id}-*`]).trim()).toBe('');
      const wtRoot = join(w.sb.stateDir, 'worktrees');
      const leftovers = existsSync(wtRoot)
        ? readdirSync(wtRoot, { recursive: true })
            .map(String)
            .filter((p) => p.includes(task.id))
        : [];
      expect(leftovers).toEqual([]);
      const after = await w.json<{ status: string }>(['task', 'show', task.id]);
      expect(after.status).toBe('todo');
      expect((await w.agents()).some((a) => a.taskId === task.id)).toBe(false);
    }, 60_000);

    it('starting a task that already has a running agent is a CONFLICT naming that agent', async () => {
      const a = byKey.get('a');
      expect(a, 'the parallel scenario ran first').toBeDefined();
      const r = await w.flotilla(['start', a?.taskId as string]);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain(a?.agentId as string);
      expect((await w.agents()).filter((x) => x.taskId === a?.taskId)).toHaveLength(1);
    }, 60_000);

    it('a prompt full of shell metacharacters reaches the agent byte for byte, and no shell runs it', async () => {
      const marker = join(w.sb.dir, 'pwned');
      const prompt = [
        `${META} Keep this text exactly: $(touch ${marker}) and \`touch ${marker}\`; touch ${marker} && echo hi | cat > ${marker}`,
        `single ' double " backslash \\ dollar $HOME $((1+1)) glob * ? [a-z] ~ # ! % ^ & < > |`,
        '\ttab, a blank line next',
        '',
        'unicode: é ß 漢字 🚀 — “quotes” ‘too’',
      ].join('\n');
      const task = await w.addTask('Metacharacters', prompt);
      const agent = await w.json<{ id: string; sessionId: string }>(['start', task.id]);
      const req = await waitFor(
        () => w.sim.requests.find((r) => r.kind === 'script' && r.sessionId === agent.sessionId),
        'the agent to send the prompt to the model',
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const expected = buildPromptText({ title: task.title, prompt }, { autoCommit: true });
      expect(req.firstUserText).toBe(expected);
      const submitted = await waitFor(
        () => w.hookLines(agent.id).find((l) => l.event === 'UserPromptSubmit'),
        'the UserPromptSubmit hook',
      );
      expect(submitted.payload.prompt).toBe(expected);
      expect(existsSync(marker), 'nothing was run by a shell').toBe(false);
    }, 90_000);

    it('a branch-name clash fails clearly and leaves nothing behind', async () => {
      const task = await w.addTask('Clashing branch', `${META} clash`);
      const branch = branchNameFor(task.id, task.title);
      w.sb.git(['branch', branch]);
      const tip = w.sb.git(['rev-parse', branch]).trim();
      const sessionsBefore = await w.sessions();
      const agentsBefore = (await w.agents()).length;
      const r = await w.flotilla(['start', task.id]);
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toContain(branch);
      expect(r.stderr).toMatch(/exists/i);
      expect(await w.sessions()).toEqual(sessionsBefore);
      expect((await w.agents()).length).toBe(agentsBefore);
      expect(w.sb.git(['rev-parse', branch]).trim(), 'the hand-made branch is untouched').toBe(tip);
      expect(w.sb.git(['worktree', 'list', '--porcelain'])).not.toContain(branch);
      const after = await w.json<{ status: string }>(['task', 'show', task.id]);
      expect(after.status).toBe('todo');
    }, 60_000);

    it('worktree clean keeps unmerged work unless --force, and --force keeps the branch', async () => {
      const a = byKey.get('b');
      expect(a, 'the parallel scenario ran first').toBeDefined();
      const { agentId, branch, worktree } = a as { agentId: string; branch: string; worktree: string };
      const stopped = await w.json<{ status: string }>(['stop', agentId]);
      expect(stopped.status).toBe('stopped');
      const r = await w.flotilla(['worktree', 'clean']);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stdout).toContain(`kept ${worktree}`);
      expect(r.stdout).toMatch(/1 commit not in main/);
      expect(existsSync(worktree)).toBe(true);
      expect(w.sb.git(['branch', '--list', branch]).trim()).not.toBe('');
      const forced = await w.flotilla(['worktree', 'clean', '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toContain(`removed ${worktree}`);
      expect(existsSync(worktree)).toBe(false);
      expect(w.sb.git(['branch', '--list', branch]).trim(), 'the unmerged branch stays').not.toBe('');
      expect(w.sb.git(['log', '--format=%s', '-1', branch]).trim()).toBe(`add ${FILES.b}`);
    }, 90_000);
  },
);
