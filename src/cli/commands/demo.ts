import { realpathSync, rmSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { FlotillaError } from '../../domain/errors.js';
import { describeCommand } from '../../proc/run.js';
import { which } from '../../proc/which.js';
import type { CliContext, Runner } from '../context.js';
import { paint } from '../output.js';
import { parsePositiveInt } from '../parse.js';
import type { DemoResult } from './demo-run.js';

/**
 * `flotilla demo`: Flotilla's main job, shown with no API key and no network. Three real
 * Claude Code agents work on a throwaway sample repo, each in its own worktree, branch and tmux
 * session, against a scripted model on 127.0.0.1; the demo watches them live until each has
 * committed. Nothing of the user's is touched: own HOME, state dir, config, daemon and tmux server.
 */

interface DemoFlags {
  keep?: boolean;
  dir?: string;
  clean?: string;
  timeout: string;
  json?: boolean;
}

export function registerDemoCommand(program: Command, run: Runner): void {
  program
    .command('demo')
    .description(
      'watch three agents work in parallel on a sample repo, against a scripted model on 127.0.0.1 (no API key, no network)',
    )
    .option('--keep', 'leave the demo daemon and agent sessions running to explore (attach, ps, logs)')
    .option('--dir <path>', 'make the demo in this new or empty directory (default: a temp dir)')
    .option('--timeout <seconds>', 'give up if the agents have not all committed by then', '240')
    .option('--clean <dir>', 'stop a demo made earlier (daemon, tmux server) and delete its directory')
    .option('--json', 'print a JSON summary at the end (progress goes to stderr)')
    .action((opts: DemoFlags, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (opts.clean !== undefined) return cleanDemo(ctx, opts.clean, Boolean(opts.json));
        const abort = new AbortController();
        const onSigint = () => abort.abort();
        process.once('SIGINT', onSigint);
        const progress = opts.json ? process.stderr : process.stdout;
        // The scripted model and its schemas load only here: every other command starts faster.
        const [{ runDemo }, { DemoView }] = await Promise.all([
          import('./demo-run.js'),
          import('./demo-view.js'),
        ]);
        let result: DemoResult;
        try {
          result = await runDemo({
            ...(opts.dir === undefined ? {} : { dir: opts.dir }),
            keep: Boolean(opts.keep),
            timeoutMs: parsePositiveInt(opts.timeout, '--timeout') * 1000,
            env: ctx.env,
            view: new DemoView(progress, ctx.style, Boolean(progress.isTTY)),
            info: (t) => ctx.info(t),
            signal: abort.signal,
          });
        } finally {
          process.off('SIGINT', onSigint);
        }
        if (opts.json) ctx.json(summary(result));
        else printResult(ctx, result, flotillaInvocation(ctx.env, ctx.cwd));
        if (!result.ok) ctx.exitCode = result.problem === 'interrupted' ? 130 : 1;
      }),
    );
}

function summary(r: DemoResult) {
  const { layout } = r;
  return {
    ok: r.ok,
    problem: r.problem,
    durationMs: r.durationMs,
    kept: r.kept,
    dir: layout.dir,
    repo: layout.repo,
    stateDir: layout.state,
    configFile: layout.configFile,
    tmuxSocket: layout.tmuxSocket,
    baseCommit: r.baseCommit,
    agents: r.agents,
  };
}

const q = (s: string) => describeCommand(s, []);

const realOrSelf = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * How the user can run this very Flotilla from where they are: `flotilla` when that is on PATH
 * and is this installation (npm link, npm install -g .), else `node bin/flotilla.js` (the path
 * relative to the current directory when it is below it, else absolute). The README puts
 * flotilla on PATH only after the demo, so the demo must not assume it.
 */
export function flotillaInvocation(
  env: NodeJS.ProcessEnv,
  cwd: string,
  bin = fileURLToPath(new URL('../../../bin/flotilla.js', import.meta.url)),
): string {
  const self = realOrSelf(bin);
  const onPath = which('flotilla', env.PATH);
  if (onPath !== null && realOrSelf(onPath) === self) return 'flotilla';
  const rel = relative(realOrSelf(cwd), self);
  return `node ${q(rel.startsWith('..') || isAbsolute(rel) ? self : rel)}`;
}

export function printResult(ctx: CliContext, r: DemoResult, flotilla = 'flotilla'): void {
  const { layout } = r;
  const s = ctx.style;
  const secs = `${Math.round(r.durationMs / 1000)} s`;
  ctx.out('');
  if (r.ok) {
    ctx.out(
      paint(
        s,
        'green',
        `✓ all ${r.agents.length} agents committed their work, each on its own branch (${secs})`,
      ),
    );
  } else {
    ctx.out(paint(s, 'red', `✗ the demo did not finish: ${r.problem} (${secs})`));
  }
  for (const a of r.agents) {
    const mark = a.commit ? paint(s, 'green', a.commit) : paint(s, 'red', 'no commit');
    ctx.out(`  ${a.agentId ?? '------'}  ${a.title.padEnd(26)} ${mark}  ${a.file}  on ${a.branch ?? '-'}`);
    if (!a.commit) {
      ctx.out(
        paint(
          s,
          'yellow',
          `    ${r.problem === 'interrupted' ? 'not done' : 'stuck'}: ${a.agentId ?? 'no agent'} is ${a.status ?? 'not started'}; its screen log: ${a.paneLog ?? '-'}`,
        ),
      );
    }
  }
  const fl = `FLOTILLA_HOME=${q(layout.state)} FLOTILLA_CONFIG=${q(layout.configFile)} ${flotilla}`;
  const first = r.agents.find((a) => a.agentId && a.branch);
  ctx.out('');
  ctx.out(`The sample repo is ${layout.repo}; its main branch is untouched. Look around:`);
  ctx.out(`  git -C ${q(layout.repo)} log --oneline --all --graph`);
  if (first?.branch) ctx.out(`  git -C ${q(layout.repo)} diff main ${q(first.branch)}`);
  if (r.kept) {
    // The daemon is still up: these commands talk to it (none starts another).
    ctx.out(`  ${fl} ps`);
    if (first?.agentId) {
      ctx.out(`  ${fl} logs ${first.agentId}`);
      ctx.out(`  ${fl} attach ${first.agentId}      (it prints the keys that detach)`);
    }
    ctx.out(`  ${fl} web --open         (the dashboard: a fresh sign-in link)`);
    ctx.out('');
    ctx.out(
      `The demo daemon and the agents' tmux server (-L ${layout.tmuxSocket}) are still running. The scripted model stopped with this command, so the agents will not answer new prompts.`,
    );
  } else {
    ctx.out('');
    ctx.out(
      `The demo daemon and its tmux server were stopped, and the dashboard with them; Flotilla commands for this demo's state refuse rather than start another daemon. To explore a running demo (ps, logs, attach, the dashboard): ${flotilla} demo --keep`,
    );
  }
  ctx.out(`Clean up: ${flotilla} demo --clean ${q(layout.dir)}`);
}

async function cleanDemo(ctx: CliContext, dirArg: string, json: boolean): Promise<void> {
  const [{ demoEnv, demoLayout, readDemoMarker }, { teardown }] = await Promise.all([
    import('../../sim/demo-setup.js'),
    import('./demo-run.js'),
  ]);
  const dir = resolve(dirArg);
  const marker = readDemoMarker(dir);
  if (!marker) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `${dir} is not a Flotilla demo directory (it has no demo.json)`,
      {
        hint: 'give the directory `flotilla demo` printed; nothing was deleted',
      },
    );
  }
  const layout = demoLayout(dir, marker.tmuxSocket);
  await teardown(layout, demoEnv(layout, ctx.env));
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  if (json) return ctx.json({ removed: dir, tmuxSocket: marker.tmuxSocket });
  ctx.out(`removed the demo in ${dir} (its daemon and tmux server -L ${marker.tmuxSocket} are stopped)`);
}
