import { Command } from 'commander';
import { resolvePaths } from '../config/paths.js';
import { registerAgentCommands } from './commands/agents.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDaemonCommands } from './commands/daemon.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerInitCommand } from './commands/init.js';
import { registerRepoCommands } from './commands/repo.js';
import { registerTaskCommands } from './commands/task.js';
import { registerVersionCommand } from './commands/version.js';
import { registerWebCommand } from './commands/web.js';
import { registerWorktreeCommands } from './commands/worktree.js';
import { CliContext, type GlobalOptions } from './context.js';
import { printError } from './errors.js';
import { detectColor } from './output.js';
import { flotillaVersion } from './version.js';

/** Runs one command against a fresh context; every command action goes through here. */
export type Runner = (program: Command, action: (ctx: CliContext) => Promise<void>) => Promise<void>;

const HELP_FOOTER = `
Quick start:
  flotilla demo                      see three agents work on a scripted model (no API key)
  flotilla init                      register this git repo (writes flotilla.yaml)
  flotilla task add "Fix the login"  add a task
  flotilla task list                 see the board
  flotilla doctor                    check git, tmux and the agent CLIs

Environment:
  FLOTILLA_HOME        state dir (default: $XDG_DATA_HOME/flotilla, ~/.local/share/flotilla)
  FLOTILLA_<KEY>__...  any config key, e.g. FLOTILLA_LIMITS__MAX_CONCURRENT=8
  NO_COLOR             disable colour

Docs: README.md and docs/ in the package.`;

export function buildProgram(run: Runner): Command {
  const program = new Command('flotilla')
    .description(
      'Run a fleet of AI coding agents in parallel: one task, one git worktree, one tmux session each.',
    )
    .version(flotillaVersion(), '-V, --version', 'print the version')
    .option('-v, --verbose', 'show debug logs and stack traces')
    .option('-q, --quiet', 'print only results and errors')
    .option('--no-color', 'disable colour (also: NO_COLOR=1)')
    .option('-C, --cwd <dir>', 'run as if started in <dir>')
    .addHelpText('after', HELP_FOOTER)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true });

  registerInitCommand(program, run);
  registerRepoCommands(program, run);
  registerTaskCommands(program, run);
  registerAgentCommands(program, run);
  registerWorktreeCommands(program, run);
  registerConfigCommands(program, run);
  registerDoctorCommand(program, run);
  registerDaemonCommands(program, run);
  registerWebCommand(program, run);
  registerDemoCommand(program, run);
  registerVersionCommand(program, run);

  // Every subcommand exits through printError rather than process.exit.
  const applyExitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.showSuggestionAfterError(true);
    for (const sub of cmd.commands) applyExitOverride(sub);
  };
  applyExitOverride(program);
  return program;
}

/** Entry point of the `flotilla` binary. Returns the exit code; never calls process.exit itself. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // `flotilla … | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  let ctx: CliContext | undefined;
  let jsonMode = argv.includes('--json');
  const runner: Runner = async (command, action) => {
    const globals = command.optsWithGlobals<GlobalOptions & { json?: boolean; detached?: boolean }>();
    // A detached daemon's stderr is read by the command that started it: keep it parseable.
    jsonMode = Boolean(globals.json) || Boolean(globals.detached);
    ctx = new CliContext(env, globals, resolvePaths(env));
    await action(ctx);
  };
  const program = buildProgram(runner);
  try {
    await program.parseAsync(argv);
    return ctx?.exitCode ?? 0;
  } catch (err) {
    const verbose = argv.includes('--verbose') || argv.includes('-v');
    const style = ctx?.style ?? { color: detectColor(process.stderr, env, !argv.includes('--no-color')) };
    const code = printError(err, {
      json: jsonMode,
      verbose,
      style,
      logFile: ctx ? `${ctx.paths.logDir}/cli.log` : undefined,
      write: (t) => process.stderr.write(t),
    });
    if (code === 70 && ctx) {
      // Into the log file only: printError has already told the user.
      const log = await ctx.log({ stderr: false }).catch(() => undefined);
      log?.error({ err }, 'internal error');
    }
    return code;
  } finally {
    await ctx?.close();
  }
}
