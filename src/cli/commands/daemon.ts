import { type Command, Option } from 'commander';
import { FlotillaError, isFlotillaError } from '../../domain/errors.js';
import type { CliContext, Runner } from '../context.js';
import type { DaemonStatus } from '../daemon-control.js';
import { age, keyValues, paint } from '../output.js';

interface ServeOptions {
  host?: string;
  port?: string;
  allowRemote?: boolean;
  insecure?: boolean;
  detached?: boolean;
}

/**
 * The daemon's configuration: user file, env and flags, but no repo file. There is one daemon
 * per state dir, serving every repo, so no single repo's flotilla.yaml may choose its port.
 */
async function daemonConfig(ctx: CliContext, opts: ServeOptions) {
  const { loadConfig } = await import('../../config/load.js');
  const flags: Record<string, unknown> = {};
  if (opts.host !== undefined) flags['server.host'] = opts.host;
  if (opts.port !== undefined) flags['server.port'] = opts.port;
  return loadConfig({
    repoRoot: null,
    env: ctx.env,
    flags,
    flagNames: { 'server.host': '--host', 'server.port': '--port' },
    cwd: ctx.cwd,
  }).config;
}

/** A config error met before a restart: it says that the running daemon was left as it was. */
function notRestarted(err: unknown, pid: number | null): unknown {
  if (!isFlotillaError(err)) return err;
  const kept =
    pid === null ? 'no daemon was running' : `the running daemon (pid ${pid}) keeps its old config`;
  return new FlotillaError(err.code, `not restarted, ${kept}: ${err.message}`, {
    ...(err.hint ? { hint: err.hint } : {}),
    issues: err.issues,
  });
}

function showStatus(ctx: CliContext, s: DaemonStatus): void {
  if (!s.running) {
    ctx.out(`${paint(ctx.style, 'dim', 'stopped')}  no daemon is running for ${s.home}`);
    return;
  }
  const state = s.healthy
    ? paint(ctx.style, 'green', 'running')
    : paint(ctx.style, 'yellow', 'not answering');
  const pairs: Array<[string, string]> = [
    ['status', state],
    ['pid', String(s.pid ?? '-')],
    ['url', s.url ?? '-'],
    ['version', s.version ?? '-'],
    ['started', s.startedAt ? `${s.startedAt} (${age(s.startedAt)} ago)` : '-'],
    ['state dir', s.home],
  ];
  ctx.out(keyValues(pairs, ctx.style));
}

/** `flotilla serve` and `flotilla daemon start|stop|status|restart`: thin over daemon-control. */
export function registerDaemonCommands(program: Command, run: Runner): void {
  program
    .command('serve')
    .description(
      'run the daemon in the foreground (for systemd or containers); agents keep running when it stops',
    )
    .option('--host <address>', 'listen on this address (server.host)')
    .option('--port <port>', 'listen on this port, 0 = any free one (server.port)')
    .option(
      '--insecure',
      'allow a non-loopback --host without TLS (warns; anyone on the network can reach it)',
    )
    .addOption(new Option('--allow-remote', 'old name of --insecure').hideHelp())
    .addOption(new Option('--detached', 'started in the background by another command').hideHelp())
    .action((opts: ServeOptions, cmd: Command) =>
      run(cmd, async (ctx) => {
        const config = await daemonConfig(ctx, opts);
        const { createDaemonLogger, startDaemon } = await import('../../daemon/index.js');
        const { defaultPlugins } = await import('../../daemon/plugins.js');
        const logger = createDaemonLogger(ctx.paths, config, opts.detached ? 'detached' : 'foreground');
        const daemon = await startDaemon({
          paths: ctx.paths,
          config,
          logger,
          foreground: true,
          plugins: await defaultPlugins(),
          allowRemote: Boolean(opts.insecure || opts.allowRemote),
        });
        if (!opts.detached) {
          ctx.info(
            `Flotilla daemon listening on ${daemon.url} (pid ${process.pid}); Ctrl-C stops it, agents keep running`,
          );
        }
        await daemon.closed;
      }),
    );

  const daemon = program.command('daemon').description('start, stop and inspect the background daemon');

  daemon
    .command('start')
    .description('start the daemon in the background (commands that need it start it themselves)')
    .option('--json', 'print JSON: {url, pid, version, started}')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { ensureDaemon } = await import('../daemon-control.js');
        const conn = await ensureDaemon(ctx.paths, ctx.env);
        const { token: _token, ...shown } = conn;
        if (opts.json) return ctx.json(shown);
        const verb = conn.started ? paint(ctx.style, 'green', 'started') : 'already running';
        ctx.out(`daemon ${verb} at ${conn.url} (pid ${conn.pid})`);
      }),
    );

  daemon
    .command('stop')
    .description('stop the daemon; agents keep running in tmux')
    .option('--json', 'print JSON: {wasRunning, pid, how}')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { stopDaemon } = await import('../daemon-control.js');
        const result = await stopDaemon(ctx.paths);
        if (opts.json) return ctx.json(result);
        if (!result.wasRunning) ctx.out('no daemon is running');
        else
          ctx.out(`${paint(ctx.style, 'green', 'stopped')} daemon (pid ${result.pid}); agents keep running`);
      }),
    );

  daemon
    .command('status')
    .description('is the daemon running, where, which version')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { daemonStatus } = await import('../daemon-control.js');
        const status = await daemonStatus(ctx.paths);
        if (opts.json) return ctx.json(status);
        showStatus(ctx, status);
      }),
    );

  daemon
    .command('restart')
    .description('stop the daemon and start it again (after an upgrade); agents keep running')
    .option('--json', 'print JSON: {url, pid, version, started}')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { daemonStatus, ensureDaemon, stopDaemon } = await import('../daemon-control.js');
        // The new daemon reads the config the old one was started with no longer: check it before
        // stopping anything, so a broken file leaves the running daemon (and the dashboard) up.
        await daemonConfig(ctx, {}).catch(async (err: unknown) => {
          throw notRestarted(err, (await daemonStatus(ctx.paths)).pid);
        });
        await stopDaemon(ctx.paths);
        const conn = await ensureDaemon(ctx.paths, ctx.env);
        const { token: _token, ...shown } = conn;
        if (opts.json) return ctx.json(shown);
        ctx.out(`daemon ${paint(ctx.style, 'green', 'restarted')} at ${conn.url} (pid ${conn.pid})`);
      }),
    );
}
