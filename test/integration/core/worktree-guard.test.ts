import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLive } from '../../../src/supervisor/index.js';
import { libraryHarness } from './library-harness.js';

/**
 * `worktree clean` and a restart of the agent whose worktree it is, issued together: the clean
 * checks and removes holding the agent's lock (the supervisor's worktree guard), so either the
 * restart goes first and the clean skips the live agent's worktree, or the clean goes first and
 * the restart is refused. Never a running agent whose worktree is gone. Up to ten rounds within a
 * deadline, the restart issued at a later moment of the clean each round (a check-then-remove
 * outside the agent's lock failed by the sixth).
 */
describe('worktree clean against a restart of the same agent', () => {
  const lib = libraryHarness('guard');

  it('never ends with a running agent whose worktree is gone', async () => {
    const fl = await lib.open('exec sleep 600');
    const { repo } = lib;
    const { repo: registered } = await fl.repos.register(repo.path);
    const outcomes: string[] = [];
    const deadline = Date.now() + 60_000;
    for (let round = 0; round < 10 && Date.now() < deadline; round++) {
      const task = await fl.tasks.add(registered.id, { title: `Race ${round}` });
      const agent = await fl.agents.start(task.id);
      await fl.agents.stop(agent.id);
      const restart = () => fl.agents.restart(agent.id);
      const clean = () => fl.worktrees.clean({ force: true });
      // The restart is issued at a different moment of the clean in each round (the first
      // round before it): the unguarded clean lost the agent's worktree when the restart landed
      // between its check and its removal.
      const lag = round === 0 ? -1 : (round - 1) * 15;
      const cleaning = lag < 0 ? null : clean();
      if (lag > 0) await new Promise((r) => setTimeout(r, lag));
      const [restartDone] = await Promise.allSettled([restart(), cleaning ?? clean()]);
      const restarted = restartDone?.status === 'fulfilled';
      const after = await fl.agents.get(agent.id);
      const running = isLive(after.status) || after.status === 'restarting';
      const present = existsSync(agent.worktreePath);
      expect(!running || present, `round ${round}: agent ${after.status}, its worktree gone`).toBe(true);
      // Exactly one of the two went ahead: a restarted agent keeps its worktree, a removed
      // worktree leaves its agent stopped.
      expect(restarted).toBe(present);
      outcomes.push(restarted ? 'restart first' : 'clean first');
      if (running) await fl.agents.stop(agent.id);
    }
    expect(outcomes.length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
