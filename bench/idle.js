// Idle overhead: the daemon's CPU and RSS with 50 idle agents, over a 20 s window.
// CPU counts the daemon and the children it waited for (its tmux and git calls).
import { readFileSync } from 'node:fs';
import { figure } from './lib.js';
import { makeBenchSandbox, sleep, until } from './sandbox.js';

const AGENTS = 50;
const WINDOW_MS = 20_000;
const CONFIG = `agent: idle
agents:
  idle:
    adapter: custom
    command: sh
    args: ["-c", "exec sleep 3600", "idle"]
limits:
  max_concurrent: ${AGENTS}
`;

const TICKS = 100; // USER_HZ on Linux
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14–17 (1-based) of the full line.
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

export async function benchIdle() {
  const sb = makeBenchSandbox('idle', { config: CONFIG });
  try {
    sb.git(['commit', '-q', '--allow-empty', '-m', 'init']);
    sb.flotilla(['init', '--no-config-file']);
    for (let i = 0; i < AGENTS; i++) sb.flotilla(['task', 'add', `Idle ${i}`]);
    sb.flotilla(['up', '--max', String(AGENTS)]);
    await until(
      async () => (await sb.api('GET', '/agents')).agents.length === AGENTS,
      'all agents started',
      120_000,
    );
    await sleep(6_000); // let start-up work and the first resource samples settle
    const pid = sb.daemonPid();
    const c0 = cpuTicks(pid);
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const cpu = ((cpuTicks(pid) - c0) / TICKS / ((performance.now() - t0) / 1000)) * 100;
    figure({
      name: `idle: daemon CPU with ${AGENTS} idle agents`,
      value: cpu,
      unit: '% of a core',
      target: 2,
    });
    figure({
      name: `idle: daemon RSS with ${AGENTS} idle agents`,
      value: rssMb(pid),
      unit: 'MB',
      target: 150,
    });
  } finally {
    sb.cleanup();
  }
}
