import { Command, type Option } from 'commander';
import { resolvePaths } from '../config/paths.js';
import { closest, editDistance } from '../config/suggest.js';
import { flotillaVersion } from '../core/version.js';
import { FlotillaError } from '../domain/errors.js';
import { registerAgentCommands } from './commands/agents.js';
import { registerConfigCommands } from './commands/config.js';
import { registerConflictsCommand } from './commands/conflicts.js';
import { registerDaemonCommands } from './commands/daemon.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEventsCommand } from './commands/events.js';
import { registerInitCommand } from './commands/init.js';
import { registerLandingCommands } from './commands/land.js';
import { registerRepoCommands } from './commands/repo.js';
import { registerTaskCommands } from './commands/task.js';
import { registerVersionCommand } from './commands/version.js';
import { registerWebCommand } from './commands/web.js';
import { registerWorktreeCommands } from './commands/worktree.js';
import { CliContext, type GlobalOptions, type Runner } from './context.js';
import { printError } from './errors.js';
import { detectColor } from './output.js';
import { collect } from './parse.js';

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
  registerConflictsCommand(program, run);
  registerLandingCommands(program, run);
  registerEventsCommand(program, run);
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
    refuseRepeatedOptions(cmd);
    for (const sub of cmd.commands) applyExitOverride(sub);
  };
  applyExitOverride(program);
  return program;
}

/**
 * An option that takes one value and is given twice (`--prompt a --prompt b`) is refused:
 * commander would keep the last one silently. Repeatable options (`--label`) have a collector
 * that takes the previous value; every other option that takes a value is single-value.
 */
function refuseRepeatedOptions(cmd: Command): void {
  for (const option of cmd.options as Option[]) {
    const takesValue = option.required || option.optional;
    if (!takesValue || option.variadic || option.parseArg === collect) continue;
    let seen = 0;
    cmd.on(`option:${option.name()}`, () => {
      seen += 1;
      if (seen === 2) {
        cmd.error(
          `error: option '${option.flags}' was given more than once; it takes one value (give it once)`,
          { code: 'commander.optionRepeated', exitCode: 2 },
        );
      }
    });
  }
}

/** Options (with their flags) that take a value, of this command and the ones above it. */
function valueFlags(cmd: Command): Set<string> {
  const flags = new Set<string>();
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of c.options as Option[]) {
      if (!o.required) continue;
      if (o.long) flags.add(o.long);
      if (o.short) flags.add(o.short);
    }
  }
  return flags;
}

const commandNames = (cmd: Command) => cmd.commands.flatMap((c) => [c.name(), ...c.aliases()]);

/**
 * Commander answers `flotilla lnad --help` (and `flotilla help lnad`) with the top-level help
 * and exit 0, so nobody can tell the command does not exist. Walk the command words first: an
 * unknown one is an error (exit 2) that names the nearest command.
 */
export function checkCommandWords(program: Command, args: readonly string[]): void {
  let cmd = program;
  let helpWord = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && valueFlags(cmd).has(arg)) i++;
      continue;
    }
    if (cmd.commands.length === 0) return; // the rest are the command's own arguments
    if (arg === 'help' && !helpWord && cmd === program) {
      helpWord = true; // `flotilla help task add`: the words after it name a command
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) {
      const path = [...commandPath(cmd), arg].join(' ');
      const near = closest(arg, commandNames(cmd)) ?? nearestLoose(arg, commandNames(cmd));
      const parentHelp = ['flotilla', ...commandPath(cmd).slice(1), '--help'].join(' ');
      throw new FlotillaError(
        'INVALID_INPUT',
        `unknown command '${path}'${near ? ` (did you mean '${[...commandPath(cmd), near].join(' ')}'?)` : ''}`,
        { hint: `see the commands: ${parentHelp}` },
      );
    }
    cmd = sub;
  }
}

const commandPath = (cmd: Command): string[] => {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names;
};

/** Failing a close typo: the nearest command that starts with the same letter, if any is. */
function nearestLoose(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = word.length; // replacing every letter is no suggestion
  for (const c of candidates) {
    if (c[0] !== word[0]) continue;
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
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
    checkCommandWords(program, argv.slice(2));
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
  }
}
