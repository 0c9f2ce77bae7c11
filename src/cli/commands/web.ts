import { join } from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../context.js';

/** What `POST /api/v1/login-codes` answers. */
interface LoginCodeResponse {
  code: string;
  url: string;
  expiresAt: string;
  ttlSeconds: number;
}

/** The platform's "open this URL" command, or null when there is none. */
function opener(): string | null {
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'win32') return null;
  return 'xdg-open';
}

/**
 * `flotilla web [--open]`: a single-use login link for the dashboard. The CLI asks the daemon
 * (with the API token) for a login code valid for a minute; the browser trades it for a
 * session cookie, so the API token itself never lands in a URL or the browser's history.
 */
export function registerWebCommand(program: Command, run: Runner): void {
  program
    .command('web')
    .description('print a one-time login link for the web dashboard (valid for one minute)')
    .option('--open', 'open the link in the default browser')
    .option('--json', 'print JSON: {url, expiresAt}')
    .action((opts: { open?: boolean; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const [{ ensureDaemon }, { readDaemonInfo }, { createHttpClient }] = await Promise.all([
          import('../daemon-control.js'),
          import('../../daemon/state.js'),
          import('../http-client.js'),
        ]);
        const conn = await ensureDaemon(ctx.paths, ctx.env);
        if (conn.started) ctx.info(`started the flotilla daemon (pid ${conn.pid}, ${conn.url})`);
        const tls = readDaemonInfo(ctx.paths)?.tls;
        const client = createHttpClient({
          baseUrl: conn.url,
          token: conn.token,
          ...(tls === undefined ? {} : { tls }),
        });
        const login = await client.request<LoginCodeResponse>('POST', '/api/v1/login-codes');
        if (opts.open) {
          const { which, spawnDetached } = await import('../../proc/index.js');
          const command = opener();
          if (command !== null && which(command, ctx.env.PATH) !== null) {
            // argv, never a shell string: the URL is passed as one argument.
            spawnDetached(command, [login.url], {
              stdoutFile: join(ctx.paths.logDir, 'browser.out'),
              env: ctx.env,
            });
            ctx.info(
              `opening the dashboard in your browser (the link works once, for ${login.ttlSeconds} s)`,
            );
          } else {
            ctx.info(`no ${command ?? 'browser opener'} found: open the link yourself`);
          }
        }
        if (opts.json) return ctx.json({ url: login.url, expiresAt: login.expiresAt });
        ctx.out(login.url);
      }),
    );
}
