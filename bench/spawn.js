// Spawn: 20 agents (a trivial custom command) on a 20,000-file repo, until all are running,
// against a plain shell loop of `git worktree add` + `tmux new-session` in the same run.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { report } from './lib.js';
import { fillRepo, makeBenchSandbox, until } from './sandbox.js';

const AGENTS = 20;
// The one-at-a-time pairs start while the 20 still run: the limit leaves room for them.
const PAIRS = 5;
const CONFIG = `agent: idle
agents:
  idle:
    adapter: custom
    command: sh
    args: ["-c", "exec sleep 600", "idle"]
limits:
  max_concurrent: ${AGENTS + PAIRS}
`;

export async function benchSpawn() {
  const sb = makeBenchSandbox('spawn', { config: CONFIG });
  try {
    fillRepo(sb, 20_000);
    // The 20,000 files just written are still being flushed to disk: without this, the first
    // baseline loop paid for that writeback (11 s one run, 88 s the next, for the same work).
    execFileSync('sync');
    // Baseline: what a shell script would do, worktree + session, one after the other. It runs
    // before and after Flotilla (the page cache makes whichever runs second faster), and the
    // ratio is against the mean of the two.
    let round = 0;
    const baselineRun = () => {
      round++;
      const socket = `${sb.socket}-baseline${round}`;
      const t0 = performance.now();
      execFileSync(
        'sh',
        [
          '-c',
          `for i in $(seq 1 ${AGENTS}); do git -C "$1" worktree add -q -b "base$4-$i" "$2/base$4-$i" HEAD && tmux -L "$3" new-session -d -s "base-$i" -c "$2/base$4-$i" sleep 600 || exit 1; done`,
          'baseline',
          sb.repo,
          join(sb.dir, 'baseline'),
          socket,
          String(round),
        ],
        { env: sb.env, stdio: 'ignore' },
      );
      const ms = performance.now() - t0;
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
      return ms;
    };
    const before = baselineRun();

    sb.flotilla(['init', '--no-config-file']);
    for (let i = 0; i < AGENTS; i++) sb.flotilla(['task', 'add', `Task ${i}`, '--prompt', 'idle']);
    sb.flotilla(['daemon', 'start']); // warm: the figure is about spawning agents, not the daemon
    execFileSync('sync');
    const t1 = performance.now();
    sb.flotilla(['up', '--max', String(AGENTS)]);
    await until(async () => {
      const { agents } = await sb.api('GET', '/agents');
      return agents.length === AGENTS && agents.every((a) => a.pid !== null || a.status !== 'starting')
        ? agents
        : null;
    }, 'all agents running');
    const flotilla = performance.now() - t1;
    execFileSync('sync');
    const after = baselineRun();
    const baseline = (before + after) / 2;
    report({
      name: `spawn: ${AGENTS} agents, 20,000-file repo`,
      value: flotilla,
      unit: 'ms',
      baselineName: `git worktree add + tmux new-session loop (${Math.round(before)}/${Math.round(after)} ms)`,
      baseline,
      target: 1.3,
    });

    // The disk's throughput drifts a lot between runs of 400,000 file writes, so also compare
    // one agent at a time, alternating with the same work done by hand.
    const pairs = [];
    // Tasks made after `up`, so it cannot have taken them.
    const rest = Array.from(
      { length: PAIRS },
      (_, i) => JSON.parse(sb.flotilla(['task', 'add', `Pair ${i}`, '--prompt', 'idle', '--json'])).id,
    );
    for (let i = 0; i < PAIRS; i++) {
      const socket = `${sb.socket}-pair`;
      // Each side starts with the disk flushed: the previous checkout's writeback (2,000 files
      // and more) otherwise lands on whichever side runs next (one run saw 1.6 s and 0.7 s bare).
      execFileSync('sync');
      const t0 = performance.now();
      execFileSync(
        'git',
        ['-C', sb.repo, 'worktree', 'add', '-q', '-b', `pair-${i}`, join(sb.dir, `pair-${i}`), 'HEAD'],
        {
          env: sb.env,
          stdio: 'ignore',
        },
      );
      execFileSync('tmux', [
        '-L',
        socket,
        'new-session',
        '-d',
        '-s',
        `pair-${i}`,
        '-c',
        join(sb.dir, `pair-${i}`),
        'sleep',
        '600',
      ]);
      const bare = performance.now() - t0;
      execFileSync('sync');
      const t1 = performance.now();
      sb.flotilla(['start', rest[i], '--json']);
      pairs.push({ bare, flotilla: performance.now() - t1 });
    }
    execFileSync('tmux', ['-L', `${sb.socket}-pair`, 'kill-server'], { stdio: 'ignore' });
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    report({
      name: `spawn: one agent (\`flotilla start\`), median of ${PAIRS}`,
      value: med(pairs.map((p) => p.flotilla)),
      unit: 'ms',
      baselineName: 'git worktree add + tmux new-session',
      baseline: med(pairs.map((p) => p.bare)),
      target: 1.3,
    });
  } finally {
    sb.cleanup();
  }
}
