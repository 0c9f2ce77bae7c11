import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AgentView } from '../../src/api/routes/schemas.js';
import { seedCodexHome, seedGeminiHome, simCodexEnv, simGeminiEnv, simStep } from '../../src/sim/index.js';
import { ROOT, stopSandboxDaemon, waitFor } from '../helpers/cli.js';
import { type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * Codex and Gemini CLI, for real: the pinned `@openai/codex` (native binary) and
 * `@google/gemini-cli` TUIs run by the real `flotilla` binary and daemon in tmux, against the
 * scripted model's Responses / Gemini API, inside one loopback-only network namespace, each
 * agent with its own HOME. One scenario per agent: start → working → the approval dialog →
 * approve (the command's file exists) → idle → send → dialog → deny (the file is absent) →
 * needs_input → send (codex: the model received the refusal; gemini drops the refused exchange) → exit → restart resumes the same
 * conversation (the model receives the earlier exchange).
 */

const skip = await e2eSkipReason();

interface AgentCase {
  name: 'codex' | 'gemini';
  bin: string;
  dialog: RegExp;
  /** What the model receives in place of the denied command's output; null: it is never told. */
  refusal: RegExp | null;
  /** How the agent is asked to quit from its input box. */
  quit: string;
}

const CASES: AgentCase[] = [
  {
    name: 'codex',
    bin: join(ROOT, 'node_modules', '.bin', 'codex'),
    dialog: /Would you like to run the following command\?/,
    refusal: /aborted by user/,
    quit: '/quit',
  },
  {
    name: 'gemini',
    bin: join(ROOT, 'node_modules', '.bin', 'gemini'),
    dialog: /Allow execution of/,
    refusal: null,
    quit: '/quit',
  },
];

function missing(bin: string): string | null {
  try {
    accessSync(bin, constants.X_OK);
    return null;
  } catch {
    return `${bin} is not installed (npm ci installs it)`;
  }
}

for (const c of CASES) {
  const why = skip ?? missing(c.bin);
  if (why) console.warn(`skipping e2e ${c.name}: ${why}`);
  describe.skipIf(why !== null)(`e2e: ${c.name} through flotilla${why ? ` (skipped: ${why})` : ''}`, () => {
    let w: E2eWorld;
    let agent: AgentView;

    beforeAll(async () => {
      w = await makeE2eWorld({
        script: {
          conversations: [
            {
              // `default`: a resumed Gemini CLI does not send the first prompt (with its
              // [[sim:…]] marker) again; the conversation is then found by its working directory.
              name: 'default',
              steps: [
                simStep.bash('echo approved > approved.txt', 'Write approved.txt', 'I will run a command.'),
                simStep.text('Done with the approved one.'),
                simStep.bash('echo denied > denied.txt', 'Write denied.txt'),
                simStep.text('Understood, I did not run it.'),
                simStep.text('Back after the restart.'),
              ],
            },
          ],
        },
      });
      // The agent's own HOME, seeded now that the namespace's model URL is known.
      const home = join(w.sb.dir, `${c.name}-home`);
      let env: Record<string, string>;
      if (c.name === 'codex') {
        await seedCodexHome(home, w.ns.baseUrl, { trustedPaths: [w.sb.repo] });
        env = simCodexEnv(home);
      } else {
        await seedGeminiHome(home, { trustedPaths: [w.sb.repo] });
        // Worktrees live outside the repo: trusting them is the user's call, made here by env.
        env = { ...simGeminiEnv(home, w.ns.baseUrl), GEMINI_CLI_TRUST_WORKSPACE: 'true' };
      }
      // The world's config file is YAML under the sandbox HOME; add this agent's entry to it.
      const file = join(w.sb.home, '.config', 'flotilla', 'config.yaml');
      const config = parse(readFileSync(file, 'utf8')) as { agents: Record<string, unknown> };
      config.agents[c.name] = { command: c.bin, env, permission_mode: 'default' };
      (config as Record<string, unknown>).log = { level: 'debug' };
      writeFileSync(file, stringify(config));
      // The daemon `init` started read the config without this entry: the next command starts a fresh one.
      stopSandboxDaemon(w.sb.stateDir);
    }, 90_000);
    afterAll(async () => {
      await w?.cleanup();
    }, 60_000);

    const screenHas = (re: RegExp, what: string) =>
      waitFor(async () => re.test(await w.screen(agent.id)), what, { timeoutMs: 30_000, intervalMs: 250 });
    const lastRequest = () => w.sim.requests.filter((r) => r.kind === 'script').at(-1);

    it('start: working, then the approval dialog (needs_permission); approve runs the command', async () => {
      const task = await w.addTask('Two files', 'create the files');
      agent = await w.json<AgentView>(['start', task.id, '--agent', c.name]);
      await w.waitForAgent(agent.id, (a) => a.status === 'needs_permission', 'the approval dialog', 90_000);
      await screenHas(c.dialog, 'the dialog on screen');
      const approved = join(agent.worktreePath, 'approved.txt');
      expect(existsSync(approved)).toBe(false);
      const r = await w.flotilla(['approve', agent.id]);
      expect(r.code, r.stderr).toBe(0);
      await w.waitForAgent(agent.id, (a) => a.status === 'idle', 'idle after the approved turn');
      expect(existsSync(approved)).toBe(true);
      expect(lastRequest()?.replyText).toBe('Done with the approved one.');
    }, 180_000);

    it('send: the model gets the message; deny leaves no file; the model gets the refusal (codex) or never hears of the call (gemini)', async () => {
      const sent = await w.flotilla(['send', agent.id, 'now the other one']);
      expect(sent.code, sent.stderr).toBe(0);
      await w.waitForAgent(agent.id, (a) => a.status === 'needs_permission', 'the second dialog');
      expect(w.sim.requests.some((r) => r.lastUserText === 'now the other one')).toBe(true);
      const r = await w.flotilla(['deny', agent.id]);
      expect(r.code, r.stderr).toBe(0);
      await w.waitForAgent(
        agent.id,
        (a) => a.status === 'needs_input',
        'waiting for guidance after the refusal',
      );
      expect(existsSync(join(agent.worktreePath, 'denied.txt'))).toBe(false);
      const told = await w.flotilla(['send', agent.id, 'leave it be']);
      expect(told.code, told.stderr).toBe(0);
      await w.waitForAgent(agent.id, (a) => a.status === 'idle', 'idle after the answer');
      const req = w.sim.requests.find((r) => r.lastUserText === 'leave it be' && r.kind === 'script');
      expect(req?.replyText).toBe('Understood, I did not run it.');
      const results = req?.messages.flatMap((m) => m.toolResults.map((t) => t.content)).join('\n') ?? '';
      if (c.refusal) expect(results).toMatch(c.refusal);
      else {
        // Gemini CLI 0.61 drops a cancelled exchange from the history: the model is never told.
        expect(req?.messages.some((m) => m.text.includes('now the other one'))).toBe(false);
        expect(req?.messages.some((m) => m.toolResults.length > 1)).toBe(false);
      }
    }, 120_000);

    it('exit, then restart resumes the same conversation', async () => {
      const q = await w.flotilla(['send', agent.id, c.quit]);
      expect(q.code, q.stderr).toBe(0);
      const exited = await w.waitForAgent(
        agent.id,
        (a) => a.status === 'exited',
        'exited after quit',
        60_000,
      );
      expect(exited.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      const r = await w.flotilla(['restart', agent.id]);
      expect(r.code, r.stderr).toBe(0);
      await w.waitForAgent(
        agent.id,
        (a) => a.status === 'idle' || a.status === 'needs_input',
        'back after restart',
        90_000,
      );
      const before = w.sim.requests.length;
      const sent = await w.flotilla(['send', agent.id, 'are you back']);
      expect(sent.code, sent.stderr).toBe(0);
      const req = await waitFor(
        async () => w.sim.requests.slice(before).find((x) => x.lastUserText === 'are you back') ?? null,
        'a model request after the restart',
        { timeoutMs: 60_000 },
      );
      expect(req.replyText).toBe('Back after the restart.');
      expect(req.messages.some((m) => m.text.includes('Done with the approved one.'))).toBe(true);
      const after = await w.agent(agent.id);
      expect(after.sessionId).toBe(exited.sessionId);
    }, 180_000);
  });
}
