import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimServer,
  seedGeminiHome,
  simGeminiEnv,
  simStep,
  startSimServer,
} from '../../../src/sim/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';
import { checkLoopbackOnly, type LoopbackNamespace, startLoopbackNamespace } from '../../helpers/netns.js';

/**
 * The real Gemini CLI (the pinned devDependency, on node) against the sim server's Gemini API,
 * headless (`gemini -p … --output-format stream-json`), inside a loopback-only network
 * namespace. Processes: `gemini` (via nsenter), the namespace's forwarder, git. Checks the
 * effects: the file written, the command output the model received, the session id and usage
 * in the stream, and `--resume`.
 */

const GEMINI = fileURLToPath(new URL('../../../node_modules/.bin/gemini', import.meta.url));

function geminiMissing(): string | null {
  try {
    accessSync(GEMINI, constants.X_OK);
    return null;
  } catch {
    return `${GEMINI} is not installed (npm ci installs @google/gemini-cli)`;
  }
}

const loopback = await checkLoopbackOnly();
const skipReason =
  geminiMissing() ?? (loopback.available ? null : `no loopback-only namespace: ${loopback.reason}`);
if (skipReason) console.warn(`skipping real Gemini CLI tests: ${skipReason}`);

interface StreamLine {
  type: string;
  session_id?: string;
  role?: string;
  content?: string;
  tool_name?: string;
  status?: string;
  stats?: Record<string, unknown>;
}

const title = `real Gemini CLI, headless stream-json, against the sim server${skipReason ? ` (skipped: ${skipReason})` : ''}`;

describe.skipIf(skipReason !== null)(title, () => {
  let dir: string;
  let sim: SimServer;
  let ns: LoopbackNamespace;
  let repo: TestRepo;
  let home: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-sim-gemini-'));
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
    await seedGeminiHome(home, { trustedPaths: [repo.path] });
  });

  afterAll(async () => {
    await ns?.close();
    await sim?.close();
    repo?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const gemini = (args: string[]) =>
    ns.run(GEMINI, args, {
      cwd: repo.path,
      timeoutMs: 90_000,
      allowFailure: true,
      input: '',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        ...simGeminiEnv(home, ns.baseUrl),
      } as NodeJS.ProcessEnv,
    });

  const lines = (stdout: string): StreamLine[] =>
    stdout
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as StreamLine);

  let sessionId = '';

  it('runs a scripted write_file and run_shell_command: the file exists, the model got the output', async () => {
    const res = await gemini([
      '--approval-mode',
      'yolo',
      '--output-format',
      'stream-json',
      '--prompt',
      '[[sim:hello]] create hello.txt',
    ]);
    const out = lines(res.stdout);
    expect(res.code, `${res.stderr}\n${res.stdout}`).toBe(0);
    sessionId = out.find((l) => l.type === 'init')?.session_id ?? '';
    expect(sessionId).not.toBe('');
    expect(readFileSync(join(repo.path, 'hello.txt'), 'utf8')).toBe('hello from the sim\n');
    expect(out.filter((l) => l.type === 'tool_use').map((l) => l.tool_name)).toEqual([
      'write_file',
      'run_shell_command',
    ]);
    const result = out.at(-1);
    expect(result?.type).toBe('result');
    expect(result?.status).toBe('success');
    const turns = sim.requests.filter((r) => r.api === 'gemini' && r.kind === 'script');
    expect(turns.map((r) => r.step)).toEqual([0, 1, 2]);
    expect(turns.every((r) => r.cwd === repo.path)).toBe(true);
    expect(turns[0]?.firstUserText).toBe('[[sim:hello]] create hello.txt');
    expect(turns[2]?.toolResults.map((t) => t.content).join('\n')).toContain('marker-42');
  });

  it('resumes the session: the earlier exchange is sent again', async () => {
    const res = await gemini([
      '--output-format',
      'stream-json',
      '--resume',
      sessionId,
      '--prompt',
      'and now?',
    ]);
    expect(res.code, `${res.stderr}\n${res.stdout}`).toBe(0);
    const last = sim.requests.filter((r) => r.api === 'gemini' && r.kind === 'script').at(-1);
    expect(last?.step).toBe(3);
    expect(last?.lastUserText).toBe('and now?');
    expect(last?.messages.some((m) => m.text.includes('Created hello.txt.'))).toBe(true);
  });
});
