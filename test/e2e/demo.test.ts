import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, run } from '../../src/proc/index.js';
import { DEMO_TASKS } from '../../src/sim/demo-scenario.js';
import { BIN, type CliResult, runCommand } from '../helpers/cli.js';
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
  const made: string[] = [];

  const flotilla = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const w = ns.wrap(process.execPath, [BIN, ...args]);
    return runCommand(w.command, w.args, {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        LANG: 'C.UTF-8',
        HOME: join(root, 'user-home'),
        FLOTILLA_HOME: join(root, 'user-state'),
        ANTHROPIC_API_KEY: 'sk-real-key-must-not-be-used',
        ANTHROPIC_BASE_URL: 'https://api.anthropic.com',
        NO_COLOR: '1',
        ...extraEnv,
      },
    });
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'flotilla-e2e-demo-'));
    // Nothing needs forwarding out: the demo's model server lives inside the namespace with it.
    ns = await startLoopbackNamespace(join(root, 'unused.sock'));
  });
  afterAll(async () => {
    for (const d of made) if (existsSync(d)) await flotilla(['demo', '--clean', d]);
    await ns?.close();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  const runDemo = async (args: string[]) => {
    const dir = join(root, `demo-${made.length}`);
    made.push(dir);
    const r = await flotilla(['demo', '--json', '--dir', dir, '--timeout', '150', ...args]);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    const out = JSON.parse(r.stdout) as DemoSummary;
    expect(out.ok, out.problem ?? '').toBe(true);
    const pid = Number(/started the demo's own daemon \(pid (\d+)/.exec(r.stderr)?.[1]);
    expect(pid, 'the demo says which daemon it started').toBeGreaterThan(0);
    return { summary: out, daemonPid: pid, stderr: r.stderr };
  };
  const sessions = async (socket: string) => {
    const r = await run('tmux', ['-L', socket, 'list-sessions', '-F', '#{session_name}'], {
      allowFailure: true,
    });
    return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
  };

  it('three agents commit on their own branches; the daemon and tmux server are gone at the end', async () => {
    const { summary: s, daemonPid, stderr } = await runDemo([]);
    // The dashboard stops with the demo's daemon: no sign-in link that would be dead.
    expect(stderr).not.toContain('watch it in your browser');
    summary = s;
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
      expect(a.status).toBe('idle');
    }
    expect(await git(['rev-parse', 'main'])).toBe(summary.baseCommit);
    expect(await git(['status', '--porcelain'])).toBe('');
    // Torn down: no daemon, no tmux server; the user's own state dir never created.
    expect(isAlive(daemonPid)).toBe(false);
    expect(existsSync(join(summary.stateDir, 'daemon.json'))).toBe(false);
    expect(await sessions(summary.tmuxSocket)).toEqual([]);
    expect(existsSync(join(root, 'user-state'))).toBe(false);
    expect(existsSync(join(root, 'user-home', '.claude.json'))).toBe(false);
    // A command for the finished demo's state says it is over instead of starting a daemon.
    const late = await flotilla(['ps'], { FLOTILLA_HOME: summary.stateDir });
    expect(late.code, late.stderr).toBe(4);
    expect(late.stderr).toMatch(/has finished/);
    expect(existsSync(join(summary.stateDir, 'daemon.json'))).toBe(false);
  }, 200_000);

  it('demo --keep leaves the daemon and agents running; demo --clean stops them and deletes the directory', async () => {
    const { summary: kept, daemonPid, stderr } = await runDemo(['--keep']);
    expect(stderr).toMatch(/watch it in your browser: http:\/\/127\.0\.0\.1:\d+\//);
    expect(kept.kept).toBe(true);
    expect(isAlive(daemonPid)).toBe(true);
    const live = await sessions(kept.tmuxSocket);
    expect(live.sort()).toEqual(kept.agents.map((a) => `flotilla-${a.agentId}`).sort());
    const panes = await run('tmux', ['-L', kept.tmuxSocket, 'list-panes', '-a', '-F', '#{pane_pid}']);
    const pids = panes.stdout.split('\n').filter(Boolean).map(Number);
    expect(pids.every((p) => isAlive(p))).toBe(true);

    const refused = await flotilla(['demo', '--clean', root]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not a Flotilla demo directory/);
    expect(existsSync(root)).toBe(true);

    const r = await flotilla(['demo', '--clean', kept.dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(kept.dir)).toBe(false);
    expect(isAlive(daemonPid)).toBe(false);
    expect(await sessions(kept.tmuxSocket)).toEqual([]);
    expect(
      pids.filter((p) => isAlive(p)),
      'agent processes left',
    ).toEqual([]);
  }, 200_000);
});
