import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimServer,
  seedClaudeHome,
  simClaudeEnv,
  simStep,
  startSimServer,
} from '../../../src/sim/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';
import { checkLoopbackOnly, type LoopbackNamespace, startLoopbackNamespace } from '../../helpers/netns.js';

/**
 * The real Claude Code CLI (the pinned devDependency) against the sim server, headless, inside a
 * loopback-only network namespace. Processes: `claude -p` (via nsenter), the namespace's
 * forwarder, git. Skipped, saying why, where no namespace can be made or claude is missing.
 */

const CLAUDE = fileURLToPath(new URL('../../../node_modules/.bin/claude', import.meta.url));

function claudeMissing(): string | null {
  try {
    accessSync(CLAUDE, constants.X_OK);
    return null;
  } catch {
    return `${CLAUDE} is not installed (npm ci installs @anthropic-ai/claude-code)`;
  }
}

const loopback = await checkLoopbackOnly();
const skipReason =
  claudeMissing() ?? (loopback.available ? null : `no loopback-only namespace: ${loopback.reason}`);
if (skipReason) console.warn(`skipping real Claude Code tests: ${skipReason}`);

interface StreamLine {
  type: string;
  subtype?: string;
  session_id?: string;
  is_error?: boolean;
  result?: string;
  message?: { content?: Array<{ type: string; name?: string }> };
  usage?: { input_tokens?: number; output_tokens?: number };
  total_cost_usd?: number;
}

const title = `real Claude Code, headless, against the sim server${skipReason ? ` (skipped: ${skipReason})` : ''}`;

describe.skipIf(skipReason !== null)(title, () => {
  let dir: string;
  let sim: SimServer;
  let ns: LoopbackNamespace;
  let repo: TestRepo;
  let home: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-sim-claude-'));
    sim = await startSimServer({
      socketPath: join(dir, 'sim.sock'),
      script: {
        conversations: [
          {
            name: 'hello',
            steps: [
              simStep.write('{{cwd}}/hello.txt', 'hello from the sim\nline 2 ✓\n', "I'll create hello.txt."),
              simStep.commitAll('sim: add hello.txt'),
              simStep.text('Created and committed hello.txt.'),
            ],
          },
          { name: 'resume', steps: [simStep.text('first answer'), simStep.text('second answer')] },
        ],
      },
    });
    ns = await startLoopbackNamespace(join(dir, 'sim.sock'));
    repo = await makeRepo();
    home = join(dir, 'home');
    await seedClaudeHome(home, { trustedPaths: [repo.path] });
  });

  afterAll(async () => {
    await ns?.close();
    await sim?.close();
    repo?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Only what claude needs: PATH for git and sh, git's test identity, the temp HOME, the sim.
  const claude = (args: string[], input?: string) =>
    ns.run(CLAUDE, args, {
      cwd: repo.path,
      timeoutMs: 60_000,
      allowFailure: true,
      ...(input === undefined ? {} : { input }),
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        LANG: 'C.UTF-8',
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('GIT_'))),
        ...simClaudeEnv(ns.baseUrl),
      } as NodeJS.ProcessEnv,
    });

  const lines = (stdout: string): StreamLine[] =>
    stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as StreamLine);

  it('runs a scripted Write and a Bash commit: the file has the exact content and the commit exists', async () => {
    const sessionId = randomUUID();
    const res = await claude([
      '-p',
      '[[sim:hello]] create hello.txt and commit it',
      '--output-format',
      'stream-json',
      '--verbose',
      '--session-id',
      sessionId,
      '--allowedTools',
      'Write',
      'Bash',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const out = lines(res.stdout);
    expect(out[0]).toMatchObject({ type: 'system', subtype: 'init', session_id: sessionId });
    const tools = out
      .flatMap((l) => (l.type === 'assistant' ? (l.message?.content ?? []) : []))
      .filter((b) => b.type === 'tool_use');
    expect(tools.map((b) => b.name)).toEqual(['Write', 'Bash']);
    const result = out.at(-1);
    expect(result).toMatchObject({
      type: 'result',
      is_error: false,
      result: 'Created and committed hello.txt.',
    });
    expect(result?.usage?.input_tokens).toBeGreaterThan(0);
    expect(result?.total_cost_usd).toBeGreaterThan(0);

    expect(readFileSync(join(repo.path, 'hello.txt'), 'utf8')).toBe('hello from the sim\nline 2 ✓\n');
    expect(await repo.git(['log', '-1', '--format=%s'])).toBe('sim: add hello.txt');
    expect(await repo.git(['status', '--porcelain'])).toBe('');

    const turns = sim.requests.filter((r) => r.sessionId === sessionId && r.kind === 'script');
    expect(turns.map((r) => r.step)).toEqual([0, 1, 2]);
    expect(turns[0]?.cwd).toBe(repo.path);
    expect(turns[2]?.toolResults[0]?.content).toMatch(/sim: add hello\.txt/);
  });

  it('passes a prompt full of shell metacharacters byte for byte, and --resume sends the earlier conversation', async () => {
    const sessionId = randomUUID();
    const prompt = `[[sim:resume]] it's "quoted" $HOME \`id\` $(whoami) ; & | > /tmp/x * ? ~ # ! \\ é 漢字 🚀\n\tsecond line`;
    const first = await claude([
      '-p',
      prompt,
      '--output-format',
      'stream-json',
      '--verbose',
      '--session-id',
      sessionId,
    ]);
    expect(first.code, first.stderr).toBe(0);
    const second = await claude(
      ['-p', '--output-format', 'stream-json', '--verbose', '--resume', sessionId],
      'and now?',
    );
    expect(second.code, second.stderr).toBe(0);
    expect(lines(second.stdout).at(-1)).toMatchObject({
      type: 'result',
      result: 'second answer',
      session_id: sessionId,
    });

    const turns = sim.requests.filter((r) => r.sessionId === sessionId && r.kind === 'script');
    expect(turns).toHaveLength(2);
    expect(turns[0]?.firstUserText).toBe(prompt);
    const resumed = turns[1];
    expect(resumed?.conversation).toBe(`resume@${sessionId}`);
    expect(resumed?.firstUserText).toBe(prompt);
    expect(resumed?.lastUserText).toBe('and now?');
    expect(resumed?.messages.filter((m) => m.role === 'assistant').map((m) => m.text)).toEqual([
      'first answer',
    ]);
  });
});
