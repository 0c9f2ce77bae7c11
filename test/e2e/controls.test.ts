import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimRequestRecord } from '../../src/sim/index.js';
import { simStep } from '../../src/sim/index.js';
import { waitFor } from '../helpers/cli.js';
import { claudeVersions, type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * Every control on an agent's screen, checked by its effect on the real Claude Code (the pinned
 * 2.1.197 TUI and npm's newest) and on the scripted model: a denied command leaves its marker file absent and the
 * model receives the refusal; an approved one runs; a message sent while a dialog is open is
 * refused and changes nothing; a multi-line message arrives as one message, byte for byte.
 * Real processes: the `flotilla` binary, its daemon, tmux on a private socket, git, Claude
 * Code, the scripted model; all inside one loopback-only network namespace.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e control tests: ${skip}`);

const REFUSAL = /doesn't want to proceed with this tool use/;
/** A turn that runs `touch <marker>` through Bash (which asks for approval), then answers. */
const touching = (name: string, marker: string) => ({
  name,
  steps: [
    simStep.bash(`touch ${marker} && echo made`, 'Create the marker', 'Creating the marker.'),
    simStep.text(`${name}: after the tool.`),
    simStep.text(`${name}: second reply.`),
    simStep.text(`${name}: third reply.`),
  ],
});

for (const v of claudeVersions()) {
  const why = skip ?? v.skip;
  describe.skipIf(why !== null)(
    `e2e on Claude Code ${v.label} ${v.version}: controls do what they say${why ? ` (skipped: ${why})` : ''}`,
    () => {
      let w: E2eWorld;
      const marker = (name: string) => join(w.sb.dir, `${name}.marker`);

      beforeAll(async () => {
        w = await makeE2eWorld({ script: { conversations: [] }, claude: v.path });
        for (const name of ['deny', 'told', 'approve', 'busy'])
          w.sim.addConversation(touching(name, marker(name)));
        w.sim.addConversation({ name: 'esc', steps: [simStep.slow(60_000, simStep.text('Too late.'))] });
      }, 60_000);
      afterAll(async () => {
        await w?.cleanup();
      }, 60_000);

      /** Starts a task on conversation `name` and waits until its permission dialog is on screen. */
      async function atDialog(name: string): Promise<{ id: string; sessionId: string }> {
        const task = await w.addTask(`Touch ${name}`, `[[sim:${name}]] create the ${name} marker`);
        const agent = await w.json<{ id: string; sessionId: string }>(['start', task.id]);
        await w.waitForAgent(agent.id, (a) => a.status === 'needs_permission', 'the permission dialog');
        await waitFor(
          async () => (await w.screen(agent.id)).includes('Do you want to proceed?'),
          'the dialog on screen',
          {
            timeoutMs: 20_000,
            intervalMs: 100,
          },
        );
        return agent;
      }
      const requestsOf = (sessionId: string): SimRequestRecord[] =>
        w.sim.requests.filter((r) => r.kind === 'script' && r.sessionId === sessionId);
      const refusalsSeen = (sessionId: string) =>
        requestsOf(sessionId).flatMap((r) =>
          r.toolResults.filter((t) => t.isError && REFUSAL.test(t.content)),
        );

      it('deny: the command never runs, the agent waits for what to do instead, and the model gets the refusal', async () => {
        const agent = await atDialog('deny');
        const r = await w.flotilla(['deny', agent.id]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/denied \("No"\)/);
        const screen = await w.screen(agent.id);
        expect(screen).toMatch(/Interrupted · What should Claude do instead\?/);
        expect(screen).not.toContain('Do you want to proceed?');
        await w.waitForAgent(agent.id, (a) => a.status === 'needs_input', 'needs_input after a plain deny');
        // The refusal reaches the model with the next message.
        const sent = await w.flotilla(['send', agent.id, 'Leave the marker alone.']);
        expect(sent.code, sent.stderr).toBe(0);
        await waitFor(() => refusalsSeen(agent.sessionId).length > 0, 'the model to receive the refusal', {
          timeoutMs: 30_000,
          intervalMs: 100,
        });
        expect(requestsOf(agent.sessionId).at(-1)?.lastUserText).toContain('Leave the marker alone.');
        expect(existsSync(marker('deny')), 'the denied command did not run').toBe(false);
        expect(w.hookLines(agent.id).some((l) => l.event === 'PostToolUse')).toBe(false);
      }, 120_000);

      it('deny --message: the command never runs and the model is told what to do instead', async () => {
        const agent = await atDialog('told');
        const r = await w.flotilla(['deny', agent.id, '--message', 'use a scratch file in /tmp instead']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('No, use a scratch file in /tmp instead');
        const refusal = await waitFor(
          () => refusalsSeen(agent.sessionId)[0],
          'the refusal with the message',
          {
            timeoutMs: 30_000,
            intervalMs: 100,
          },
        );
        expect(refusal.content).toContain('the user said:\nuse a scratch file in /tmp instead');
        await w.waitForAgent(
          agent.id,
          (a) => a.status === 'idle' && a.statusSource === 'hook',
          'the turn to end',
        );
        expect(existsSync(marker('told')), 'the denied command did not run').toBe(false);
      }, 120_000);

      it('send while a dialog is open is refused and changes nothing; approve then runs the command', async () => {
        const agent = await atDialog('busy');
        const before = requestsOf(agent.sessionId).length;
        const r = await w.flotilla(['send', agent.id, 'hello']);
        expect(r.code).toBe(4);
        expect(r.stderr).toMatch(/a dialog is open \(.*touch .*busy\.marker/);
        expect(r.stderr).toMatch(/flotilla approve .*flotilla deny/);
        const screen = await w.screen(agent.id);
        expect(screen).toContain('Do you want to proceed?');
        expect(screen).not.toContain('hello');
        expect(existsSync(marker('busy')), 'nothing was approved by the refused send').toBe(false);
        expect(requestsOf(agent.sessionId).length).toBe(before);
        expect((await w.agent(agent.id)).status).toBe('needs_permission');

        const ok = await w.flotilla(['approve', agent.id]);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toMatch(/approved \("Yes"\)/);
        await waitFor(() => existsSync(marker('busy')), 'the approved command to run', { timeoutMs: 20_000 });
        await w.waitForAgent(
          agent.id,
          (a) => a.status === 'idle' && a.statusSource === 'hook',
          'the turn to end',
        );
      }, 120_000);

      it('a message is text: control characters are refused; line breaks arrive as one message, byte for byte', async () => {
        const agent = await atDialog('approve');
        expect((await w.flotilla(['approve', agent.id])).code).toBe(0);
        await w.waitForAgent(
          agent.id,
          (a) => a.status === 'idle' && a.statusSource === 'hook',
          'the turn to end',
        );
        expect(existsSync(marker('approve'))).toBe(true);
        const before = requestsOf(agent.sessionId).length;

        for (const bad of ['stop\u0003now', 'esc\u001b[2J', 'two\rprompts\u0007', 'tab\there']) {
          const r = await w.flotilla(['send', agent.id, bad]);
          expect(r.code, bad).toBe(2);
          expect(r.stderr).toMatch(
            /contains .*\(U\+00[0-9A-F]{2}\) at position \d+: only text is sent, never keys/,
          );
        }
        expect(requestsOf(agent.sessionId).length, 'no refused message reached the model').toBe(before);
        expect((await w.agent(agent.id)).status).toBe('idle');

        const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
        const message = `First line: keep "quotes" & $HOME\nsecond line — ünïcödé 🚀\n\n${long}\nlast line after a long one`;
        const r = await w.flotilla(['send', agent.id, message]);
        expect(r.code, r.stderr).toBe(0);
        const req = await waitFor(
          () => requestsOf(agent.sessionId)[before],
          'the message to reach the model',
          {
            timeoutMs: 30_000,
            intervalMs: 100,
          },
        );
        expect(req.lastUserText).toBe(message);
        await w.waitForAgent(
          agent.id,
          (a) => a.status === 'idle' && a.statusSource === 'hook',
          'the turn to end',
        );
        expect(requestsOf(agent.sessionId).length, 'one message, not several prompts').toBe(before + 1);
      }, 120_000);

      it('Escape pressed in an attached terminal (no hook fires): the screen ends the turn once hooks stay silent', async () => {
        const task = await w.addTask('Slow turn', '[[sim:esc]] take your time');
        const agent = await w.json<{ id: string; tmuxSession: string }>(['start', task.id]);
        await w.waitForAgent(agent.id, (a) => a.status === 'working', 'the slow turn to start');
        await waitFor(
          async () => /esc to interrupt|…/.test(await w.screen(agent.id)),
          'the spinner on screen',
          {
            timeoutMs: 20_000,
          },
        );
        // What a user attached to the session does: press Escape (keys from the terminal, not Flotilla).
        await w.tmux(['send-keys', '-t', agent.tmuxSession, 'Escape']);
        const after = await w.waitForAgent(
          agent.id,
          (a) => a.status !== 'working',
          'the screen to end the interrupted turn',
          30_000,
        );
        expect(after.statusSource).toBe('pane');
        expect(['needs_input', 'idle']).toContain(after.status);
        expect(after.statusDetail).toMatch(/seen on screen; no hook said so/);
      }, 90_000);
    },
  );
}
