import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimServer,
  seedCodexHome,
  simCodexEnv,
  simStep,
  startSimServer,
} from '../../../src/sim/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';
import { checkLoopbackOnly, type LoopbackNamespace, startLoopbackNamespace } from '../../helpers/netns.js';

/**
 * The real Codex CLI (the pinned devDependency, a native binary) against the sim server's
 * Responses API, `codex exec --json`, inside a loopback-only network namespace. Processes:
 * `codex exec` (via nsenter), the namespace's forwarder, git. Checks the effects: the file the
 * scripted shell call wrote, the command output the model received, the thread id codex
 * reports and resumes.
 */

const CODEX = fileURLToPath(new URL('../../../node_modules/.bin/codex', import.meta.url));

function codexMissing(): string | null {
  try {
    accessSync(CODEX, constants.X_OK);
    return null;
  } catch {
    return `${CODEX} is not installed (npm ci installs @openai/codex)`;
  }
}

const loopback = await checkLoopbackOnly();
const skipReason =
  codexMissing() ?? (loopback.available ? null : `no loopback-only namespace: ${loopback.reason}`);
if (skipReason) console.warn(`skipping real Codex tests: ${skipReason}`);

interface ExecLine {
  type: string;
  thread_id?: string;
  item?: { type: string; command?: string; text?: string; aggregated_output?: string; exit_code?: number };
  usage?: { input_tokens?: number; output_tokens?: number; cached_input_tokens?: number };
}

const title = `real Codex, codex exec --json, against the sim server${skipReason ? ` (skipped: ${skipReason})` : ''}`;

describe.skipIf(skipReason !== null)(title, () => {
  let dir: string;
  let sim: SimServer;
  let ns: LoopbackNamespace;
  let repo: TestRepo;
  let home: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-sim-codex-'));
    sim = await startSimServer({
      socketPath: join(dir, 'sim.sock'),
      script: {
        conversations: [
          {
            name: 'hello',
            steps: [
              simStep.write('{{cwd}}/hello.txt', 'hello from the sim\n', "I'll create hello.txt."),
              simStep.bash('cat hello.txt && echo marker-42'),
              { text: 'Created hello.txt.', usage: { input_tokens: 1200, output_tokens: 34 } },
              simStep.text('second turn answer'),
            ],
          },
        ],
      },
    });
    ns = await startLoopbackNamespace(join(dir, 'sim.sock'));
    repo = await makeRepo();
    home = join(dir, 'home');
    await seedCodexHome(home, ns.baseUrl, { trustedPaths: [repo.path] });
  });

  afterAll(async () => {
    await ns?.close();
    await sim?.close();
    repo?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const codex = (args: string[]) =>
    ns.run(CODEX, args, {
      cwd: repo.path,
      timeoutMs: 90_000,
      allowFailure: true,
      input: '',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        ...simCodexEnv(home),
      } as NodeJS.ProcessEnv,
    });

  const lines = (stdout: string): ExecLine[] =>
    stdout
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as ExecLine);

  let threadId = '';

  it('runs a scripted write and a shell call: the file exists and the model received the output', async () => {
    const res = await codex([
      'exec',
      '--json',
      '--dangerously-bypass-approvals-and-sandbox',
      '--',
      '[[sim:hello]] create hello.txt',
    ]);
    expect(res.code, `${res.stderr}\n${res.stdout}`).toBe(0);
    const out = lines(res.stdout);
    threadId = out.find((l) => l.type === 'thread.started')?.thread_id ?? '';
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(readFileSync(join(repo.path, 'hello.txt'), 'utf8')).toBe('hello from the sim\n');
    const commands = out.filter((l) => l.type === 'item.completed' && l.item?.type === 'command_execution');
    expect(commands).toHaveLength(2);
    const turn = out.find((l) => l.type === 'turn.completed');
    expect(turn?.usage?.input_tokens).toBeGreaterThan(0);
    const agentText = out.filter((l) => l.item?.type === 'agent_message').map((l) => l.item?.text);
    expect(agentText).toContain('Created hello.txt.');

    const turns = sim.requests.filter((r) => r.api === 'openai-responses' && r.kind === 'script');
    expect(turns.map((r) => r.step)).toEqual([0, 1, 2]);
    expect(turns.every((r) => r.sessionId === threadId && r.cwd === repo.path)).toBe(true);
    expect(turns[0]?.firstUserText).toBe('[[sim:hello]] create hello.txt');
    expect(turns[2]?.toolResults[0]?.content).toContain('marker-42');
  });

  it('resumes the thread by id: same session, the earlier exchange is sent again', async () => {
    const res = await codex(['exec', '--json', 'resume', threadId, 'and now?']);
    expect(res.code, `${res.stderr}\n${res.stdout}`).toBe(0);
    const out = lines(res.stdout);
    expect(out.find((l) => l.type === 'thread.started')?.thread_id).toBe(threadId);
    const last = sim.requests.filter((r) => r.api === 'openai-responses' && r.kind === 'script').at(-1);
    expect(last?.step).toBe(3);
    expect(last?.lastUserText).toBe('and now?');
    expect(last?.messages.some((m) => m.text === 'Created hello.txt.')).toBe(true);
    expect(existsSync(join(home, '.codex', 'sessions'))).toBe(true);
  });
});
