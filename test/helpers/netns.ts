import { type ChildProcess, spawn } from 'node:child_process';
import { type RunOptions, type RunResult, run, which } from '../../src/proc/index.js';

/**
 * A loopback-only network namespace for tests that run the real Claude Code CLI: inside it the
 * CLI can reach 127.0.0.1 and nothing else, so no byte leaves the machine even if a flag is
 * missed. Linux, root (or CAP_SYS_ADMIN) and util-linux `unshare`/`nsenter` are needed.
 *
 * How the sim server (which lives in the test process, outside the namespace) is reached: it
 * also listens on a Unix socket (`startSimServer({ socketPath })`); path-based Unix sockets are
 * not tied to a network namespace. A small forwarder started with `unshare -n` listens on
 * 127.0.0.1:<port> inside the new namespace and pipes each connection to that socket. The
 * forwarder is also what keeps the namespace alive, and any number of processes join it with
 * `nsenter --net=/proc/<forwarder pid>/ns/net`, so several agents share one namespace and one
 * server, while tests still read `server.requests` in-process.
 */

/** Whether a loopback-only namespace can be made here, and if not, why. */
export interface LoopbackCheck {
  available: boolean;
  reason: string;
}

let cached: Promise<LoopbackCheck> | undefined;

/** Probe once per process: tools present, and `unshare -n` + `ip link set lo up` actually work. */
export function checkLoopbackOnly(): Promise<LoopbackCheck> {
  cached ??= (async () => {
    if (process.platform !== 'linux') return { available: false, reason: 'network namespaces need Linux' };
    for (const tool of ['unshare', 'nsenter', 'ip']) {
      if (!which(tool))
        return { available: false, reason: `${tool} is not installed (apt-get install util-linux iproute2)` };
    }
    const probe = await run('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], {
      allowFailure: true,
      timeoutMs: 5_000,
    });
    if (probe.code !== 0) {
      return {
        available: false,
        reason: `unshare -n failed (needs root or CAP_SYS_ADMIN): ${probe.stderr.trim() || `exit ${probe.code}`}`,
      };
    }
    return { available: true, reason: 'unshare -n works' };
  })();
  return cached;
}

export async function loopbackOnlyAvailable(): Promise<boolean> {
  return (await checkLoopbackOnly()).available;
}

/** A live loopback-only namespace with a port inside it that reaches the sim server. */
export interface LoopbackNamespace {
  /** The forwarder process; `/proc/<pid>/ns/net` is the namespace. */
  pid: number;
  /** Port on 127.0.0.1 inside the namespace. */
  port: number;
  /** ANTHROPIC_BASE_URL as seen from inside the namespace. */
  baseUrl: string;
  /** argv that runs `command args…` inside the namespace (for spawn or a tmux session). */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  /** Run a command inside the namespace to completion (async: the in-process server keeps serving). */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

// Plain CommonJS so it runs on any node without a build. It exits when its stdin closes, so a
// crashed test process never leaves a namespace behind.
const FORWARDER = `
const net = require('node:net');
const socketPath = process.argv[1];
const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end);
  client.pipe(upstream).pipe(client);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

/** Start a loopback-only namespace whose 127.0.0.1:<port> leads to the Unix socket `socketPath`. */
export async function startLoopbackNamespace(
  socketPath: string,
  timeoutMs = 10_000,
): Promise<LoopbackNamespace> {
  const check = await checkLoopbackOnly();
  if (!check.available) throw new Error(`no loopback-only namespace: ${check.reason}`);
  // `unshare -n` (no --fork) execs sh in the new namespace, and sh execs node: one process, whose pid we hold.
  const child: ChildProcess = spawn(
    'unshare',
    [
      '-n',
      'sh',
      '-c',
      'ip link set lo up && exec "$2" -e "$0" "$1"',
      FORWARDER,
      socketPath,
      process.execPath,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`namespace forwarder never reported its port within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /^(\d+)\n/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`namespace forwarder exited with ${code}: ${err.trim()}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('namespace forwarder has no pid');
  const wrap = (command: string, args: readonly string[]) => ({
    command: 'nsenter',
    args: [`--net=/proc/${pid}/ns/net`, '--', command, ...args],
  });
  return {
    pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    wrap,
    run: (command, args, options) => {
      const w = wrap(command, args);
      return run(w.command, w.args, options);
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
