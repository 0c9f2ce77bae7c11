import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlotillaEvent } from '../../src/domain/event.js';
import { simStep } from '../../src/sim/index.js';
import { waitFor } from '../helpers/cli.js';
import { claudeVersions, type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * The Claude Code users actually have: the same scenarios on the pinned version and on npm's
 * newest (installed into the test cache by the vitest globalSetup). The repository is NOT
 * pre-trusted, so every agent meets the folder trust dialog — numbered with "Yes" preselected in
 * 2.1.197, unnumbered with "No, exit" preselected and redrawn once in 2.1.33x — and must get past
 * it by itself. Real processes: the `flotilla` binary and daemon, tmux on a private socket, git,
 * the real Claude Code TUI, the scripted model; all inside one loopback-only network namespace.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e Claude Code version tests: ${skip}`);

const tos = (events: FlotillaEvent[]) => events.map((e) => String(e.data.to));
/** A finished turn; `idle` if turn ends become their own state. */
const turnEnded = (status: string) => status === 'needs_input' || status === 'idle';

for (const v of claudeVersions()) {
  const why = skip ?? v.skip;
  describe.skipIf(why !== null)(
    `e2e on Claude Code ${v.label} ${v.version}${why ? ` (skipped: ${why})` : ''}`,
    () => {
      let w: E2eWorld;
      const marker = () => join(w.sb.dir, 'approved.marker');

      beforeAll(async () => {
        w = await makeE2eWorld({ script: { conversations: [] }, claude: v.path, trustRepo: false });
        w.sim.addConversation({
          name: 'hello',
          steps: [simStep.slow(1_500, simStep.text('Hello from the model.'))],
        });
        w.sim.addConversation({
          name: 'perm',
          steps: [
            simStep.bash(`touch ${marker()} && echo made`, 'Create the marker', 'Creating the marker.'),
            simStep.text('The marker is there.'),
          ],
        });
      }, 60_000);
      afterAll(async () => {
        await w?.cleanup();
      }, 60_000);

      it('an untrusted worktree: the trust dialog is answered by itself, then working → turn ended', async () => {
        const task = await w.addTask('Say hello', '[[sim:hello]] say hello');
        const agent = await w.json<{ id: string }>(['start', task.id]);
        const done = await w.waitForAgent(
          agent.id,
          (a) => turnEnded(a.status) && a.statusSource === 'hook',
          'the turn to end',
          60_000,
        );
        const seq = tos(await w.events({ agent: agent.id, type: 'agent.status_changed', order: 'asc' }));
        expect(seq.slice(seq.indexOf('working')), `whole sequence: ${seq.join(' → ')}`).toEqual([
          'working',
          done.status,
        ]);
        // Effects: Claude Code recorded the trust, and the model got the task's prompt.
        const home = JSON.parse(readFileSync(join(w.sb.home, '.claude.json'), 'utf8')) as {
          projects?: Record<string, { hasTrustDialogAccepted?: boolean }>;
        };
        // Claude Code records the trust for the git repository the worktree belongs to.
        const trusted = Object.entries(home.projects ?? {}).filter(([, p]) => p.hasTrustDialogAccepted);
        expect(trusted.map(([path]) => path)).toEqual([realpathSync(w.sb.repo)]);
        expect(w.sim.requests.some((r) => r.kind === 'script' && r.firstUserText.includes('say hello'))).toBe(
          true,
        );
        expect(await w.screen(agent.id)).toContain('Hello from the model.');
      }, 90_000);

      it('then a Bash permission (the repo is trusted now): needs_permission with the command, approve runs it', async () => {
        const task = await w.addTask('Touch the marker', '[[sim:perm]] create the marker');
        const agent = await w.json<{ id: string }>(['start', task.id]);
        await w.waitForAgent(agent.id, (a) => a.status === 'needs_permission', 'the permission dialog');
        const changes = await w.events({ agent: agent.id, type: 'agent.status_changed', order: 'asc' });
        const asked = changes.find((e) => e.data.to === 'needs_permission');
        // The Bash call, not the trust dialog met before it (nor 2.1.332's "Tip: auto mode" line).
        expect(String(asked?.data.detail)).toContain('touch');
        expect(existsSync(marker())).toBe(false);
        // PermissionRequest fires just before the dialog is drawn: approve once it is on screen.
        await waitFor(
          async () => (await w.flotilla(['approve', agent.id])).code === 0,
          'approve to find the dialog',
          {
            timeoutMs: 20_000,
            intervalMs: 300,
          },
        );
        await w.waitForAgent(
          agent.id,
          (a) => turnEnded(a.status) && a.statusSource === 'hook',
          'the turn to end',
        );
        expect(existsSync(marker())).toBe(true);
      }, 90_000);
    },
  );

  describe.skipIf(why !== null)(
    `e2e on Claude Code ${v.label} ${v.version}: the API key dialog${why ? ` (skipped: ${why})` : ''}`,
    () => {
      let w: E2eWorld;
      beforeAll(async () => {
        w = await makeE2eWorld({ script: { conversations: [] }, claude: v.path, apiKeyAnswered: false });
      }, 60_000);
      afterAll(async () => {
        await w?.cleanup();
      }, 60_000);

      it('shows as needs_input naming the question; approve refuses it and leaves it open', async () => {
        const task = await w.addTask('Say hello', 'say hello');
        const agent = await w.json<{ id: string }>(['start', task.id]);
        await w.waitForAgent(
          agent.id,
          (a) => a.status === 'needs_input',
          'the API key question to show',
          30_000,
        );
        const changes = await w.events({ agent: agent.id, type: 'agent.status_changed', order: 'asc' });
        expect(String(changes.at(-1)?.data.detail)).toMatch(/asks whether to use the API key/);
        const approve = await w.flotilla(['approve', agent.id]);
        expect(approve.code).not.toBe(0);
        expect(approve.stderr).toMatch(/not a tool permission/);
        // Nothing was answered: the dialog is still up and Claude Code recorded no answer.
        expect(await w.screen(agent.id)).toMatch(/Do you want to use this API key\?/);
        const home = JSON.parse(readFileSync(join(w.sb.home, '.claude.json'), 'utf8')) as Record<
          string,
          unknown
        >;
        expect(home.customApiKeyResponses).toBeUndefined();
        expect(w.sim.requests.filter((r) => r.kind === 'script')).toEqual([]);
      }, 60_000);
    },
  );
}
