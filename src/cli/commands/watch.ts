/**
 * `flotilla top` (and `flotilla ps --watch`): the live fleet view. Wiring only; the loop is in
 * ../watch/run.ts and the drawing in ../watch/view.ts.
 */
import type { Command } from 'commander';
import type { CliContext, Runner } from '../context.js';
import type { WatchOptions } from '../watch/run.js';

export const WATCH_OPTIONS = {
  bell: 'ring the terminal bell when an agent starts waiting for you (needs_permission, needs_input)',
  notify: 'also send a desktop notification (notify-send) when an agent starts waiting for you',
} as const;

/** Runs the watch for `ps --watch` and `top`. */
export async function watchFleet(ctx: CliContext, opts: WatchOptions): Promise<void> {
  const [{ FlotillaClient }, { ensureDaemon, daemonClient }, { runWatch }, { attachArgv }, proc] =
    await Promise.all([
      import('../client.js'),
      import('../daemon-control.js'),
      import('../watch/run.js'),
      import('../../core/attach.js'),
      import('../../proc/index.js'),
    ]);
  const conn = await ensureDaemon(ctx.paths, ctx.env);
  if (conn.started) ctx.info(`started the flotilla daemon (pid ${conn.pid}, ${conn.url})`);
  const notifySend = proc.which('notify-send', ctx.env.PATH);
  await runWatch(ctx, opts, {
    client: new FlotillaClient(daemonClient(conn)),
    conn: { url: conn.url, token: conn.token, tls: conn.tls },
    notify:
      notifySend === null
        ? null
        : (title, body) => {
            // Fire and forget: a slow notification daemon must not freeze the view.
            void proc
              .run(notifySend, ['--app-name=Flotilla', '--', title, body], {
                timeoutMs: 5_000,
                allowFailure: true,
              })
              .catch(() => {});
          },
    attach: (agent) => {
      const argv = attachArgv(agent, ctx.env);
      return proc.runInteractive(argv[0] as string, argv.slice(1), ctx.env);
    },
  });
}

export function registerWatchCommand(program: Command, run: Runner): void {
  program
    .command('top')
    .description(
      'the fleet, live (same as ps --watch): waiting agents first with what they ask; keys: y approve, n deny, a attach, ↑↓ select, q quit. Without a terminal, prints one line per change',
    )
    .option('--bell', WATCH_OPTIONS.bell)
    .option('--notify', WATCH_OPTIONS.notify)
    .action((opts: { bell?: boolean; notify?: boolean }, cmd: Command) =>
      run(cmd, (ctx) => watchFleet(ctx, { bell: Boolean(opts.bell), notify: Boolean(opts.notify) })),
    );
}
