import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictList } from '../../src/domain/conflicts.js';
import { BIN, makeSandbox, type Sandbox, waitFor } from '../helpers/cli.js';

// `flotilla conflicts` through the real binary and the daemon it starts: two custom agents
// (`sh -c …`) in a private tmux server, each editing line 2 of the same file in its own
// worktree — `a` commits, `b` leaves its change uncommitted — and a third editing another file.
describe('flotilla conflicts (real binary, daemon, tmux, git)', () => {
  let sb: Sandbox;
  const socket = `flotilla-conflicts-${process.pid}-${Date.now().toString(36)}`;
  const ids: Record<string, string> = {};

  const ok = async (args: string[]) => {
    const r = await sb.flotilla(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };

  beforeAll(async () => {
    sb = makeSandbox();
    const commit = 'git -c user.name=agent -c user.email=agent@flotilla.invalid commit -q';
    const scripts: Record<string, string> = {
      a: `printf 'l1\\nA2\\nl3\\n' > shared.txt && ${commit} -am a; exec sleep 600`,
      b: `printf 'l1\\nB2\\nl3\\n' > shared.txt; exec sleep 600`,
      c: `echo c > other.txt; exec sleep 600`,
    };
    const yaml = ['agent: a', 'agents:'];
    for (const [name, script] of Object.entries(scripts)) {
      yaml.push(
        `  ${name}: {adapter: custom, command: sh, args: ["-c", ${JSON.stringify(script)}], prompt_via: none}`,
      );
    }
    writeFileSync(join(sb.repo, 'flotilla.yaml'), `${yaml.join('\n')}\n`);
    writeFileSync(join(sb.repo, 'shared.txt'), 'l1\nl2\nl3\n');
    sb.git(['add', 'flotilla.yaml', 'shared.txt']);
    sb.git(['commit', '-qm', 'flotilla config and a shared file']);
    Object.assign(sb.env, { FLOTILLA_TMUX__SOCKET: socket });
    await ok(['init', '--name', 'shop']);
    for (const name of Object.keys(scripts)) {
      const task = JSON.parse((await ok(['task', 'add', `task ${name}`, '--json'])).stdout) as { id: string };
      const agent = JSON.parse((await ok(['start', task.id, '--agent', name, '--json'])).stdout) as {
        id: string;
      };
      ids[name] = agent.id;
    }
  }, 90_000);

  afterAll(() => {
    sb?.cleanup();
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  });

  it('--json gives the pair that would conflict, with the file and its lines', async () => {
    let last: ConflictList | undefined;
    const list = await waitFor(
      async () => {
        const r = JSON.parse((await ok(['conflicts', '--json'])).stdout) as ConflictList;
        last = r;
        const pair = r.repos[0]?.pairs[0];
        return pair?.conflicts && r.repos[0]?.agents.some((x) => x.agentId === ids.c && x.dirty) ? r : null;
      },
      'agents a and b to have written their conflicting line (and c its file)',
      { timeoutMs: 45_000, intervalMs: 200 },
    ).catch((e: Error) => {
      // What the daemon said, next to what git says in each worktree.
      const { agents } = JSON.parse(
        spawnSync(process.execPath, [BIN, 'ps', '--json'], { env: sb.env, cwd: sb.repo, encoding: 'utf8' })
          .stdout,
      ) as { agents: { id: string; worktreePath: string; status: string }[] };
      const git = agents.map((a) => {
        const run = (args: string[]) =>
          spawnSync('git', ['-C', a.worktreePath, ...args], { encoding: 'utf8' }).stdout.trim();
        return `${a.id} ${a.status}: ${run(['log', '--oneline', '-2'])} | ${run(['status', '--porcelain'])}`;
      });
      throw new Error(`${e.message}\nlast answer: ${JSON.stringify(last)}\ngit:\n${git.join('\n')}`);
    });
    expect(list.repos).toHaveLength(1);
    expect(list.repos[0]?.pairs).toEqual([
      {
        a: expect.objectContaining({ agentId: ids.a }),
        b: expect.objectContaining({ agentId: ids.b }),
        files: [{ path: 'shared.txt', overlappingHunks: [{ a: [2, 2], b: [2, 2] }], conflicts: true }],
        conflicts: true,
      },
    ]);
  }, 60_000);

  it('prints one line per pair, then its files', async () => {
    const { stdout } = await ok(['conflicts', '--repo', 'shop']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^shop: 3 live agents, 1 pair share work, 1 would conflict \(against main @ [0-9a-f]{7}\)$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^  conflict  ${ids.a} ↔ ${ids.b}  \\(flotilla/.+ ↔ flotilla/.+\\)  1 file$`),
    );
    expect(lines[2]).toBe('      shared.txt  conflict  lines 2 ↔ 2');
    expect(lines).toHaveLength(3);
  });

  it('refuses an unknown repo, naming the command that lists repos', async () => {
    const r = await sb.flotilla(['conflicts', '--repo', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('nope');
    expect(r.stderr).toContain('flotilla repo list');
  });
});
