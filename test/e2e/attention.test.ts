import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/api/routes/agents.js';
import { simStep } from '../../src/sim/index.js';
import { claudeVersions, type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * "Who needs me, and for what?" — a repo with four tasks: two agents finish their work, one
 * asks a question, one asks to run a command. `ps` must say exactly two need the user and what
 * each asks; the finished ones are `idle` with their last message; denying the command leaves
 * no trace of it. Real processes: the `flotilla` binary and daemon, tmux, git, Claude Code
 * (TUI; the pinned version and npm's newest), the scripted model, in a loopback-only network namespace.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e attention tests: ${skip}`);

const QUESTION = 'Should the new docs go in README.md or in docs/?';

for (const v of claudeVersions()) {
  const why = skip ?? v.skip;
  describe.skipIf(why !== null)(
    `e2e on Claude Code ${v.label} ${v.version}: who needs you${why ? ` (skipped: ${why})` : ''}`,
    () => {
      let w: E2eWorld;
      const marker = () => join(w.sb.dir, 'deploy.marker');

      beforeAll(async () => {
        w = await makeE2eWorld({ script: { conversations: [] }, claude: v.path });
        w.sim.addConversation({
          name: 'done-a',
          steps: [simStep.text('Done: the parser handles empty input. All tests pass.')],
        });
        w.sim.addConversation({
          name: 'done-b',
          steps: [
            simStep.text('Fixed the typo in the help text. Would you like me to also update the changelog?'),
          ],
        });
        w.sim.addConversation({
          name: 'asks',
          steps: [simStep.text(`I found two places for them.\n\n${QUESTION}`)],
        });
        w.sim.addConversation({
          name: 'perm',
          steps: [simStep.bash(`touch ${marker()}`, 'Deploy', 'Deploying.'), simStep.text('Understood.')],
        });
      }, 60_000);
      afterAll(async () => {
        await w?.cleanup();
      }, 60_000);

      it('two finished, two asking: ps says "2 need you" with the question and the command; deny leaves no trace', async () => {
        const ids: Record<string, string> = {};
        for (const name of ['done-a', 'done-b', 'asks', 'perm']) {
          const task = await w.addTask(`Task ${name}`, `[[sim:${name}]] do the ${name} task`);
          ids[name] = (await w.json<{ id: string }>(['start', task.id])).id;
        }
        const settled = (a: AgentView) => ['idle', 'needs_input', 'needs_permission'].includes(a.status);
        for (const id of Object.values(ids)) await w.waitForAgent(id, settled, 'its turn to settle', 90_000);
        const byId = new Map((await w.agents()).map((a) => [a.id, a]));
        expect(byId.get(ids['done-a'] as string)).toMatchObject({
          status: 'idle',
          lastMessage: 'Done: the parser handles empty input. All tests pass.',
        });
        // A courtesy offer after finished work is not a question that blocks anything.
        expect(byId.get(ids['done-b'] as string)?.status).toBe('idle');
        expect(byId.get(ids.asks as string)).toMatchObject({
          status: 'needs_input',
          statusDetail: `asks: ${QUESTION}`,
        });
        const perm = byId.get(ids.perm as string);
        expect(perm?.status).toBe('needs_permission');
        expect(perm?.pendingPermission).toMatchObject({ tool: 'Bash', subject: `touch ${marker()}` });

        const ps = await w.flotilla(['ps']);
        expect(ps.code, ps.stderr).toBe(0);
        const out = ps.stdout + ps.stderr;
        expect(out).toContain('2 need you:');
        expect(out).toContain(QUESTION);
        expect(out).toContain(`Bash: touch ${marker()}`);
        expect(out).toContain(`flotilla approve ${ids.perm}`);
        expect(out).toContain('finished: Done: the parser handles empty input.');

        const show = await w.flotilla(['show', ids.perm as string]);
        expect(show.code, show.stderr).toBe(0);
        expect(show.stdout).toMatch(/asks to use\s+Bash: touch /);

        const denied = await w.flotilla(['deny', ids.perm as string]);
        expect(denied.code, denied.stderr).toBe(0);
        await w.waitForAgent(
          ids.perm as string,
          (a) => a.status === 'needs_input' && a.pendingPermission === null,
          'the refusal',
        );
        expect(existsSync(marker()), 'the denied command left no trace').toBe(false);
        expect(w.sb.git(['status', '--porcelain']).trim(), 'the main checkout is untouched').toBe('');
      }, 180_000);
    },
  );
}
