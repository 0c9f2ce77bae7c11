// Spawn: 20 agents (a trivial custom command) on a 20,000-file repo, until all are running,
// against a plain shell loop of `git worktree add` + `tmux new-session` in the same run.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { report } from './lib.js';
import { fillRepo, makeBenchSandbox, until } from './sandbox.js';

const AGENTS = 20;
const CONFIG = `agent: idle
agents:
  idle:
    adapter: custom
    command: sh
    args: ["-c", "exec sleep 600", "idle"]
limits:
  max_concurrent: ${AGENTS}
`;

export async function benchSpawn() {
  const sb = makeBenchSandbox('spawn', { config: CONFIG });
  try {
    fillRepo(sb, 20_000);
    // Baseline: what a shell script would do, worktree + session, one after the other.
    const baseSocket = `${sb.socket}-baseline`;
    const t0 = performance.now();
    execFileSync(
      'sh',
      [
        '-c',
        `for i in $(seq 1 ${AGENTS}); do git -C "$1" worktree add -q -b base-$i "$2/base-$i" HEAD && tmux -L "$3" new-session -d -s base-$i -c "$2/base-$i" sleep 600 || exit 1; done`,
        'baseline',
        sb.repo,
        join(sb.dir, 'baseline'),
        baseSocket,
      ],
      { env: sb.env, stdio: 'ignore' },
    );
    const baseline = performance.now() - t0;
    execFileSync('tmux', ['-L', baseSocket, 'kill-server'], { stdio: 'ignore' });

    sb.flotilla(['init', '--no-config-file']);
    for (let i = 0; i < AGENTS; i++) sb.flotilla(['task', 'add', `Task ${i}`, '--prompt', 'idle']);
    sb.flotilla(['daemon', 'start']); // warm: the figure is about spawning agents, not the daemon
    const t1 = performance.now();
    sb.flotilla(['up', '--max', String(AGENTS)]);
    await until(async () => {
      const { agents } = await sb.api('GET', '/agents');
      return agents.length === AGENTS && agents.every((a) => a.pid !== null || a.status !== 'starting')
        ? agents
        : null;
    }, 'all agents running');
    const flotilla = performance.now() - t1;
    report({
      name: `spawn: ${AGENTS} agents, 20,000-file repo`,
      value: flotilla,
      unit: 'ms',
      baselineName: 'git worktree add + tmux new-session loop',
      baseline,
      target: 1.3,
    });
  } finally {
    sb.cleanup();
  }
}
