import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, run } from '../../src/proc/index.js';
import { DEMO_TASKS } from '../../src/sim/demo-scenario.js';
import { BIN, type CliResult } from '../helpers/cli.js';
import { e2eSkipReason } from '../helpers/e2e.js';
import { type LoopbackNamespace, startLoopbackNamespace } from '../helpers/netns.js';

/**
 * `flotilla demo` as a user runs it, inside a loopback-only namespace: the real binary, the
 * demo's own daemon, tmux server and three Claude Code TUIs, and its scripted model (which
 * lives in the demo process). The user's environment given to it is poisoned (FLOTILLA_HOME,
 * an API key, a base URL) to show the demo ignores it.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e demo test: ${skip}`);

interface DemoSummary {
  ok: boolean;
  problem: string | null;
  dir: string;
  repo: string;
  stateDir: string;
  tmuxSocket: string;
  baseCommit: string;
  kept: boolean;
  agents: { agentId: string; branch: string; file: string; commit: string | null; status: string }[];
}

describe.skipIf(skip !== null)(`e2e: flotilla demo${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let root: string;
  let ns: LoopbackNamespace;
  let summary: DemoSummary | undefined;

  const flotilla = (args: string[]): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const w = ns.wrap(process.execPath, [BIN, ...args]);
      const child = spawn(w.command, w.args, {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          LANG: 'C.UTF-8',
          HOME: join(root, 'user-home'),
          FLOTILLA_HOME: join(root, 'user-state'),
          ANTHROPIC_API_KEY: 'sk-real-key-must-not-be-used',
          ANTHROPIC_BASE_URL: 'https://api.anthropic.com',
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
      });
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'flotilla-e2e-demo-'));
    // Nothing needs forwarding out: the demo's model server lives inside the namespace with it.
    ns = await startLoopbackNamespace(join(root, 'unused.sock'));
  });
  afterAll(async () => {
    if (summary && existsSync(summary.dir)) await flotilla(['demo', '--clean', summary.dir]);
    await ns?.close();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('three agents commit on their own branches; the daemon and tmux server are gone at the end', async () => {
    const r = await flotilla(['demo', '--json', '--dir', join(root, 'demo'), '--timeout', '150']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    summary = JSON.parse(r.stdout) as DemoSummary;
    expect(summary.ok, summary.problem ?? '').toBe(true);
    expect(summary.kept).toBe(false);
    expect(summary.agents).toHaveLength(DEMO_TASKS.length);
    const git = async (args: string[]) =>
      (await run('git', ['-C', summary?.repo as string, ...args])).stdout.trim();
    for (const a of summary.agents) {
      const t = DEMO_TASKS.find((x) => x.file === a.file);
      expect(a.commit, `${a.file} committed`).not.toBeNull();
      expect(await git(['rev-list', '--count', `main..${a.branch}`])).toBe('1');
      expect(await git(['diff', '--name-only', `main...${a.branch}`])).toBe(a.file);
      expect(await git(['show', `${a.branch}:${a.file}`])).toBe((t?.content ?? '').trimEnd());
      expect(a.status).toBe('needs_input');
    }
    expect(await git(['rev-parse', 'main'])).toBe(summary.baseCommit);
    expect(await git(['status', '--porcelain'])).toBe('');
    // Torn down: no daemon, no tmux server; the user's own state dir never created.
    const pid = Number(/started the demo's own daemon \(pid (\d+)/.exec(r.stderr)?.[1]);
    expect(pid, 'the demo says which daemon it started').toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(summary.stateDir, 'daemon.json'))).toBe(false);
    const tmux = await run('tmux', ['-L', summary.tmuxSocket, 'list-sessions'], { allowFailure: true });
    expect(tmux.code).not.toBe(0);
    expect(existsSync(join(root, 'user-state'))).toBe(false);
    expect(existsSync(join(root, 'user-home', '.claude.json'))).toBe(false);
  }, 200_000);

  it('demo --clean removes the demo directory, and refuses a directory that is not a demo', async () => {
    expect(summary, 'the demo ran').toBeDefined();
    const refused = await flotilla(['demo', '--clean', root]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not a Flotilla demo directory/);
    expect(existsSync(root)).toBe(true);
    const r = await flotilla(['demo', '--clean', summary?.dir as string]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(summary?.dir as string)).toBe(false);
  }, 60_000);
});
