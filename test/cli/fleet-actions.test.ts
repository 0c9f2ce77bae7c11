import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox, waitFor } from '../helpers/cli.js';

// Bulk actions and the on_status hook through the real binary and the daemon it starts: custom
// agents (`sh -c …`) in a private tmux server, two registered repos, real git branches.
describe('stop --all, rm --finished and hooks.on_status (real binary, daemon, tmux, git)', () => {
  let sb: Sandbox;
  let other: string;
  const socket = `flotilla-bulk-${process.pid}-${Date.now().toString(36)}`;
  let hookFile: string;
  const ids: Record<string, string> = {};

  const cli = async (args: string[], cwd?: string) => {
    const r = await sb.flotilla(args, cwd === undefined ? {} : { cwd });
    return r;
  };
  const ok = async (args: string[], cwd?: string) => {
    const r = await cli(args, cwd);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const agents = async () =>
    (
      JSON.parse((await ok(['ps', '--json'])).stdout) as {
        agents: { id: string; status: string; branch: string }[];
      }
    ).agents;

  beforeAll(async () => {
    sb = makeSandbox();
    hookFile = join(sb.dir, 'hook-calls.jsonl');
    const yaml = [
      'agent: sleeper',
      'agents:',
      '  sleeper: {adapter: custom, command: sh, args: ["-c", "sleep 600"], prompt_via: none}',
      '  quick: {adapter: custom, command: sh, args: ["-c", "exit 0"], prompt_via: none}',
      '',
    ].join('\n');
    // The hook writes its argv, one JSON line per call: what the daemon passed, as it arrived.
    const hook = `[${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(
      "require('fs').appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + '\\n')",
    )}, ${JSON.stringify(hookFile)}]`;
    Object.assign(sb.env, { FLOTILLA_TMUX__SOCKET: socket, FLOTILLA_HOOKS__ON_STATUS: hook });
    writeFileSync(join(sb.repo, 'flotilla.yaml'), yaml);
    sb.git(['add', 'flotilla.yaml']);
    sb.git(['commit', '-qm', 'flotilla config']);
    other = join(sb.dir, 'other');
    mkdirSync(other);
    sb.git(['init', '-q', '-b', 'main'], other);
    writeFileSync(join(other, 'flotilla.yaml'), yaml);
    sb.git(['add', 'flotilla.yaml'], other);
    sb.git(['commit', '-qm', 'flotilla config'], other);
    await ok(['init', '--name', 'main-repo']);
    await ok(['init', '--name', 'other-repo'], other);
    const start = async (key: string, cwd: string, agent: string) => {
      const task = JSON.parse((await ok(['task', 'add', `task ${key}`, '--json'], cwd)).stdout) as {
        id: string;
      };
      const a = JSON.parse((await ok(['start', task.id, '--agent', agent, '--json'], cwd)).stdout) as {
        id: string;
      };
      ids[key] = a.id;
    };
    await start('a', sb.repo, 'sleeper');
    await start('b', sb.repo, 'sleeper');
    await start('quick', sb.repo, 'quick');
    await start('other', other, 'sleeper');
    await waitFor(
      async () => (await agents()).find((a) => a.id === ids.quick)?.status === 'exited' || undefined,
      'the quick agent to exit',
      { timeoutMs: 20_000 },
    );
  }, 90_000);

  afterAll(() => {
    sb?.cleanup();
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  });

  it('refuses unclear bulk requests with a usage error that names the right form, and changes nothing', async () => {
    const none = await cli(['stop']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('flotilla stop --all');
    const both = await cli(['stop', ids.a as string, '--all']);
    expect(both.code).toBe(2);
    const repoAlone = await cli(['rm', '--repo', 'main-repo']);
    expect(repoAlone.code).toBe(2);
    expect(repoAlone.stderr).toContain('flotilla rm --finished --repo');
    const forced = await cli(['rm', '--finished', '--force']);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain('flotilla rm <agent> --force');
    const unknownRepo = await cli(['stop', '--all', '--repo', 'nope']);
    expect(unknownRepo.code).not.toBe(0);
    expect(unknownRepo.stderr).toContain('flotilla repo list');
    expect((await agents()).filter((a) => a.status === 'stopped')).toEqual([]);
  });

  it('stop --all --repo stops only that repo; stop --all then stops the rest', async () => {
    const r = await ok(['stop', '--all', '--repo', 'other-repo']);
    expect(r.stdout).toContain(`stopped ${ids.other}`);
    let now = await agents();
    expect(now.find((a) => a.id === ids.other)?.status).toBe('stopped');
    expect(now.find((a) => a.id === ids.a)?.status).not.toBe('stopped');
    const all = await ok(['stop', '--all']);
    expect(all.stdout).toContain(`stopped ${ids.a}`);
    expect(all.stdout).toContain(`stopped ${ids.b}`);
    now = await agents();
    expect(now.map((a) => a.status).sort()).toEqual(['exited', 'stopped', 'stopped', 'stopped']);
    // The tmux sessions' processes are gone: nothing sleeps in the private server any more.
    const panes = spawnSync(
      'tmux',
      ['-L', socket, 'list-panes', '-a', '-F', '#{pane_dead} #{pane_current_command}'],
      {
        encoding: 'utf8',
      },
    ).stdout;
    expect(panes).not.toMatch(/^0 sleep/m);
    expect((await ok(['stop', '--all'])).stdout).toContain('No running agents.');
  });

  it('rm --finished removes every finished agent and keeps every branch', async () => {
    const before = await agents();
    const r = await ok(['rm', '--finished']);
    for (const a of before) expect(r.stdout).toContain(`removed ${a.id}`);
    expect(await agents()).toEqual([]);
    const branches =
      sb.git(['branch', '--list', 'flotilla/*']) + sb.git(['branch', '--list', 'flotilla/*'], other);
    for (const a of before) expect(branches).toContain(a.branch);
    expect((await ok(['rm', '--finished'])).stdout).toContain('No finished agents');
  });

  it('ran hooks.on_status for every status change with the agent, old and new status and detail as arguments', async () => {
    const calls = await waitFor(
      () => {
        let lines: string[][] = [];
        try {
          lines = readFileSync(hookFile, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as string[]);
        } catch {
          return undefined;
        }
        return lines.filter((c) => c[2] === 'stopped').length >= 3 ? lines : undefined;
      },
      'three hook calls for the stops',
      { timeoutMs: 15_000 },
    );
    for (const c of calls) expect(c).toHaveLength(4);
    expect(calls).toContainEqual([ids.quick, expect.any(String), 'exited', expect.any(String)]);
    for (const key of ['a', 'b', 'other'])
      expect(calls.filter((c) => c[0] === ids[key] && c[2] === 'stopped')).toHaveLength(1);
  });
});
