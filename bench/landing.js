// Landing and dispatch, through the real binary and daemon on a 2,000-file repo:
//  - landing overhead: `flotilla land --wait` of a one-commit branch (predict, scratch worktree,
//    rebase, advance, finish, cleanup) next to the bare `git rebase` + `git update-ref` of an
//    equal branch in the same run;
//  - dispatch latency: the dependency's `landing.landed` event → its dependent's `agent.created`
//    (scheduler.auto), next to a bare `git worktree add` + `tmux new-session` in the same run,
//    the floor of any start.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { median, report } from './lib.js';
import { fillRepo, makeBenchSandbox, until } from './sandbox.js';

const ROUNDS = 5;
const CONFIG = `agent: worker
agents:
  worker:
    adapter: custom
    command: sh
    args: ["-c", "echo \\"$FLOTILLA_TASK_ID\\" > \\"work-$FLOTILLA_TASK_ID.txt\\" && git add -A && git commit -qm \\"work on $FLOTILLA_TASK_ID\\" && exec sleep 600", "worker"]
    prompt_via: none
scheduler:
  auto: true
limits:
  max_concurrent: 20
`;

export async function benchLanding() {
  const sb = makeBenchSandbox('landing', { config: CONFIG });
  try {
    fillRepo(sb, 2_000, 40);
    execFileSync('sync');
    sb.flotilla(['init', '--no-config-file']);
    sb.flotilla(['daemon', 'start']);

    const tasks = [];
    for (let i = 0; i < ROUNDS; i++) {
      const prev = tasks.at(-1);
      const args = ['task', 'add', `Step ${i}`, '--json', ...(prev ? ['--depends-on', prev] : [])];
      tasks.push(JSON.parse(sb.flotilla(args)).id);
    }
    const lands = [];
    const bares = [];
    const dispatch = [];
    const floors = [];
    for (let i = 0; i < ROUNDS; i++) {
      const id = tasks[i];
      // The dispatcher starts it (the first at once, the others when the previous one lands).
      const agent = await until(
        async () => (await sb.api('GET', '/agents')).agents.find((a) => a.taskId === id),
        `agent of ${id}`,
      );
      await until(
        () => sb.git(['log', '-1', '--format=%s'], agent.worktreePath).trim() === `work on ${id}`,
        `commit of ${id}`,
      );
      const t0 = performance.now();
      sb.flotilla(['land', id, '--wait']);
      lands.push(performance.now() - t0);

      // The landing's tidy-up and the next start first: a bare `git worktree add` racing another
      // worktree's creation or removal in the same repo can read a half-made admin dir (git:
      // "failed to read …/commondir").
      await until(() => !sb.git(['worktree', 'list']).includes(agent.worktreePath), `tidy-up of ${id}`);
      if (i + 1 < ROUNDS) {
        const next = tasks[i + 1];
        await until(
          async () => (await sb.api('GET', '/agents')).agents.find((a) => a.taskId === next),
          `dispatch of ${next}`,
        );
        const [landed] = (await sb.api('GET', `/events?task=${id}&type=landing.landed`)).events;
        const [created] = (await sb.api('GET', `/events?task=${next}&type=agent.created`)).events;
        dispatch.push(Date.parse(created.ts) - Date.parse(landed.ts));
        // The floor of a start, on the same repo in the same round.
        const fw = join(sb.dir, `floor-${i}`);
        const t2 = performance.now();
        sb.git(['worktree', 'add', '-q', '-b', `floor-${i}`, fw, 'main']);
        execFileSync('tmux', [
          '-L',
          `${sb.socket}-floor`,
          'new-session',
          '-d',
          '-s',
          `floor-${i}`,
          '-c',
          fw,
          'sleep',
          '600',
        ]);
        floors.push(performance.now() - t2);
      }

      // The same work by hand: a branch one commit ahead of a base that moved, rebased in a
      // worktree, then the base ref moved with its expected old value.
      const wt = join(sb.dir, `bare-${i}`);
      const base = sb.git(['rev-parse', 'main']).trim();
      sb.git(['worktree', 'add', '-q', '-b', `bare-${i}`, wt, `${base}~1`]);
      sb.git(['commit', '-q', '--allow-empty', '-m', `bare ${i}`], wt);
      const t1 = performance.now();
      sb.git(['rebase', '-q', base], wt);
      const tip = sb.git(['rev-parse', 'HEAD'], wt).trim();
      sb.git(['update-ref', 'refs/heads/bare-base', tip]);
      bares.push(performance.now() - t1);
      sb.git(['worktree', 'remove', '--force', wt]);
    }
    execFileSync('tmux', ['-L', `${sb.socket}-floor`, 'kill-server'], { stdio: 'ignore' });
    report({
      name: `landing: flotilla land --wait, median of ${ROUNDS}`,
      value: median(lands),
      unit: 'ms',
      baselineName: 'git rebase + update-ref',
      baseline: median(bares),
    });
    report({
      name: 'dispatch: landed → dependent started, median',
      value: median(dispatch),
      unit: 'ms',
      baselineName: 'git worktree add + tmux new-session',
      baseline: median(floors),
    });
  } finally {
    sb.cleanup();
  }
}
