import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import { ConflictsPlugin } from '../../../src/daemon/conflicts-plugin.js';
import { CorePlugin } from '../../../src/daemon/core-plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { SupervisorPlugin } from '../../../src/daemon/supervisor-plugin.js';
import { type ConflictList, ConflictListSchema } from '../../../src/domain/conflicts.js';
import { TmuxServer } from '../../../src/tmux/index.js';
import { waitFor } from '../../helpers/cli.js';
import { isolateGitEnv, makeRepo, type TestRepo } from '../../helpers/git.js';
import { makeTempHome, type RawResponse, rawRequest, type TempHome } from '../daemon/helpers.js';

/**
 * `GET /conflicts`: a real daemon (store, supervisor, the conflicts plugin with a short tick)
 * whose agents are shells in tmux on a private server, each editing its own worktree: `a`
 * commits a change to line 2 of shared.txt, `b` changes the same line without committing, `c`
 * commits another file. The prediction comes from real git in those worktrees.
 */
let home: TempHome;
let repo: TestRepo;
let daemon: RunningDaemon;
const socket = `flt-conflicts-${process.pid}-${Date.now().toString(36)}`;
const ids: Record<string, { agent: string; task: string; worktree: string }> = {};

const commitAs = 'git -c user.name=agent -c user.email=agent@flotilla.invalid commit -q';
const SCRIPTS: Record<string, string> = {
  a: `printf 'l1\\nA2\\nl3\\n' > shared.txt && ${commitAs} -am a; exec sleep 600`,
  b: `printf 'l1\\nB2\\nl3\\n' > shared.txt; exec sleep 600`,
  c: `echo c > other.txt && git add other.txt && ${commitAs} -m c; exec sleep 600`,
};

const api = (path: string, body?: unknown): Promise<RawResponse> =>
  rawRequest(`${daemon.url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const conflicts = async (query: string): Promise<ConflictList> => {
  const r = await api(`/conflicts${query}`);
  expect(r.status, r.text).toBe(200);
  return ConflictListSchema.parse(r.json);
};

beforeAll(async () => {
  isolateGitEnv();
  home = makeTempHome();
  repo = await makeRepo({ files: { 'shared.txt': 'l1\nl2\nl3\n', 'README.md': '# r\n' } });
  const yaml = ['agent: a', 'agents:'];
  for (const [name, script] of Object.entries(SCRIPTS)) {
    yaml.push(`  ${name}:`, '    adapter: custom', '    command: sh');
    yaml.push(`    args: ['-c', '${script.replaceAll("'", "''")}']`, '    prompt_via: none');
  }
  await repo.commit({ 'flotilla.yaml': `${yaml.join('\n')}\n` }, 'agents');
  const config = ConfigSchema.parse({
    server: { port: 0 },
    tmux: { socket },
    worktrees: { root: join(home.dir, 'worktrees') },
  });
  const core = new CorePlugin();
  daemon = await startDaemon({
    paths: home.paths,
    config,
    plugins: [core, new SupervisorPlugin(core), new ConflictsPlugin(core, { tickMs: 200, debounceMs: 50 })],
  });
  const repoId = ((await api('/repos', { path: repo.path, name: 'shop' })).json as { repo: { id: string } })
    .repo.id;
  for (const name of Object.keys(SCRIPTS)) {
    const task = ((await api('/tasks', { repoId, title: `task ${name}` })).json as { id: string }).id;
    const started = await api('/agents', { task, agent: name });
    expect(started.status, started.text).toBe(201);
    const agent = started.json as { id: string; worktreePath: string };
    ids[name] = { agent: agent.id, task, worktree: agent.worktreePath };
  }
}, 60_000);

afterAll(async () => {
  await daemon?.close();
  const tmux = new TmuxServer({ socketName: socket });
  await tmux.killServer().catch(() => {});
  rmSync(tmux.socketPath, { force: true });
  repo?.cleanup();
  home?.cleanup();
});

describe('GET /conflicts', () => {
  it('shows, without being asked to recompute, the pair whose work would conflict, with file and hunks', async () => {
    const a = ids.a as (typeof ids)[string];
    const b = ids.b as (typeof ids)[string];
    const { repos } = await waitFor(
      async () => {
        const list = await conflicts('?repo=shop');
        const report = list.repos[0];
        return report?.agents.length === 3 && report.pairs.some((p) => p.conflicts) ? list : null;
      },
      'the background refresh to predict the a/b conflict',
      { timeoutMs: 25_000, intervalMs: 100 },
    );
    const report = repos[0];
    expect(report).toMatchObject({ repo: 'shop', baseBranch: 'main', errors: [] });
    expect(report?.pairs).toEqual([
      {
        a: { agentId: a.agent, taskId: a.task, branch: expect.any(String) },
        b: { agentId: b.agent, taskId: b.task, branch: expect.any(String) },
        files: [{ path: 'shared.txt', overlappingHunks: [{ a: [2, 2], b: [2, 2] }], conflicts: true }],
        conflicts: true,
      },
    ]);
    // b's change is uncommitted, and still taken in; c shares nothing, so no pair names it.
    const byAgent = Object.fromEntries((report?.agents ?? []).map((x) => [x.agentId, x]));
    expect(byAgent[b.agent]).toMatchObject({ dirty: true, files: 1 });
    expect(byAgent[(ids.c as (typeof ids)[string]).agent]).toMatchObject({ dirty: false, files: 1 });
  });

  it('fresh=true answers with a computation made after the request', async () => {
    const b = ids.b as (typeof ids)[string];
    // b moves its edit below line 3: same file as a, lines apart, and git merges the two.
    writeFileSync(join(b.worktree, 'shared.txt'), 'l1\nl2\nl3\nB4\n');
    const { repos } = await conflicts('?fresh=true');
    expect(repos.map((r) => r.repo)).toEqual(['shop']);
    expect(repos[0]?.pairs.map((p) => [p.a.agentId, p.b.agentId, p.conflicts, p.files])).toEqual([
      [ids.a?.agent, b.agent, false, [{ path: 'shared.txt', overlappingHunks: [], conflicts: false }]],
    ]);
  });

  it('refuses an unknown repo with NOT_FOUND and the command that lists repos, and a bad query with 400', async () => {
    const unknown = await api('/conflicts?repo=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({
      error: { code: 'NOT_FOUND', hint: expect.stringContaining('repo list') },
    });
    const bad = await api('/conflicts?fresh=yes');
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
  });
});
