import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import type { StatePaths } from '../config/paths.js';
import { FlotillaError } from '../domain/errors.js';
import type { Logger } from '../log/logger.js';
import { detectColor, neutralise, type Style } from './output.js';

/**
 * Runs one command against a fresh context; every command action goes through here. Declared
 * here, not in main.ts, so the commands main.ts registers do not import main.ts back.
 */
export type Runner = (program: Command, action: (ctx: CliContext) => Promise<void>) => Promise<void>;

/** Global flags every command sees. */
export interface GlobalOptions {
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
  cwd?: string;
}

/** Everything a command needs from its surroundings, created once per invocation, lazily. */
export class CliContext {
  readonly style: Style;
  readonly cwd: string;
  /** Set by a command that completed but must still report failure (e.g. doctor with a failed check). */
  exitCode = 0;
  private logger: Logger | undefined;
  private loaded: LoadedConfig | undefined;

  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly globals: GlobalOptions,
    readonly paths: StatePaths,
  ) {
    this.style = { color: detectColor(process.stdout, env, globals.color) };
    this.cwd = resolve(globals.cwd ?? process.cwd());
  }

  get verbose(): boolean {
    return Boolean(this.globals.verbose);
  }

  get stdinIsTTY(): boolean {
    return Boolean(process.stdin.isTTY);
  }

  /** Human output: control characters in it (task text, agent output) are neutralised. */
  out(text: string): void {
    const safe = neutralise(text, this.style);
    process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  /** Progress and notices; suppressed by --quiet. Never mixed into stdout so pipes stay clean. */
  info(text: string): void {
    const safe = neutralise(text, this.style);
    if (!this.globals.quiet) process.stderr.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  json(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** JSON lines: one compact value per line, for `grep`, `jq -c` and tailing scripts. */
  jsonLines(values: readonly unknown[]): void {
    process.stdout.write(values.map((v) => `${JSON.stringify(v)}\n`).join(''));
  }

  async config(): Promise<LoadedConfig> {
    if (!this.loaded) {
      const { loadConfig } = await import('../config/load.js');
      this.loaded = loadConfig({ repoRoot: findRepoRoot(this.cwd), env: this.env });
    }
    return this.loaded;
  }

  async log(options: { stderr?: boolean } = {}): Promise<Logger> {
    if (!this.logger) {
      const { createLogger } = await import('../log/logger.js');
      const level = this.verbose ? 'debug' : 'info';
      this.logger = createLogger({
        logDir: this.paths.logDir,
        file: 'cli.log',
        level,
        stderrLevel:
          options.stderr === false || this.globals.quiet ? 'silent' : this.verbose ? 'debug' : 'warn',
        maxFileBytes: 10 * 1024 * 1024,
        maxFiles: 5,
        pretty: Boolean(process.stderr.isTTY),
      });
    }
    return this.logger;
  }
}

/**
 * The main checkout of the git repo containing `dir`, found without spawning git (this runs on
 * every command). A linked worktree's `.git` file points into `<main>/.git/worktrees/<name>`,
 * so an agent working in its worktree still maps to the registered repo.
 */
export function findRepoRoot(dir: string): string | null {
  let current = resolve(dir);
  for (;;) {
    const dotGit = join(current, '.git');
    if (existsSync(dotGit)) {
      try {
        if (statSync(dotGit).isDirectory()) return current;
        const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
        if (match?.[1]) {
          const gitdir = isAbsolute(match[1].trim()) ? match[1].trim() : resolve(current, match[1].trim());
          const marker = `${join('.git', 'worktrees')}`;
          const at = gitdir.lastIndexOf(marker);
          if (at > 0) return gitdir.slice(0, at - 1);
        }
        return current;
      } catch {
        return current;
      }
    }
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** The daemon's API client; starts the daemon in the background when none is running. */
export async function clientFor(ctx: CliContext): Promise<import('./client.js').FlotillaClient> {
  const [{ FlotillaClient }, { ensureDaemon, daemonClient }] = await Promise.all([
    import('./client.js'),
    import('./daemon-control.js'),
  ]);
  const conn = await ensureDaemon(ctx.paths, ctx.env, {
    refuseStart: () => finishedDemoRefusal(ctx.paths.home),
  });
  if (conn.started) ctx.info(`started the flotilla daemon (pid ${conn.pid}, ${conn.url})`);
  return new FlotillaClient(daemonClient(conn));
}

/**
 * A demo that ended without --keep stopped its daemon on purpose (its scripted model is gone, so
 * its agents could not work). A command run later with its state dir (the demo prints
 * FLOTILLA_HOME=<dir>/state) must not quietly start a new daemon for it: say so instead.
 */
function finishedDemoRefusal(home: string): FlotillaError | undefined {
  const dir = dirname(home);
  let marker: { flotillaDemo?: unknown; finishedAt?: unknown };
  try {
    marker = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as typeof marker;
  } catch {
    return undefined;
  }
  if (marker.flotillaDemo !== 1 || typeof marker.finishedAt !== 'string' || basename(home) !== 'state')
    return undefined;
  return new FlotillaError(
    'CONFLICT',
    `the demo in ${dir} has finished: its daemon was stopped when it ended, so there is nothing to ask (no daemon was started)`,
    {
      hint: `its work is in git: git -C ${join(dir, 'sample-app')} log --oneline --all; to explore a running demo: flotilla demo --keep; to delete this one: flotilla demo --clean ${dir}`,
    },
  );
}
