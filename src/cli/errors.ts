import { ERROR_CODES, FlotillaError, isFlotillaError } from '../domain/errors.js';
import { neutralise, paint, type Style } from './output.js';

/** Exit codes beyond the per-error-code ones. */
export const EXIT = { ok: 0, usage: 2, bug: 70 } as const;

export interface ErrorPrintOptions {
  json: boolean;
  verbose: boolean;
  style: Style;
  logFile?: string;
  write: (text: string) => void;
}

/** Commander reports usage problems through its own error type; we only need its shape. */
interface CommanderLikeError {
  code: string;
  exitCode: number;
  message: string;
}
const isCommanderError = (e: unknown): e is CommanderLikeError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { code?: unknown }).code === 'string' &&
  (e as { code: string }).code.startsWith('commander.');

/**
 * Print any error the way a user should see it and return the exit code. Expected errors are
 * one line plus a hint; anything else is a bug, said to be one, with the stack only on --verbose.
 */
export function printError(err: unknown, opts: ErrorPrintOptions): number {
  if (isCommanderError(err)) {
    // commander already printed its message; help/version displays are not failures.
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      err.code === 'commander.help'
    ) {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (isFlotillaError(err)) {
    if (opts.json) {
      opts.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
    } else {
      let text = `${paint(opts.style, 'red', 'error:')} ${err.message}\n`;
      if (
        err.issues.length > 1 ||
        (err.issues.length === 1 && !err.message.includes(err.issues[0]?.message ?? ''))
      ) {
        for (const issue of err.issues)
          text += `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}\n`;
      }
      if (err.hint) text += `${paint(opts.style, 'dim', 'hint:')} ${err.hint}\n`;
      if (opts.verbose && err.stack) text += `${err.stack}\n`;
      // Messages echo user input (an id, a title): no control character reaches the terminal.
      opts.write(neutralise(text, opts.style));
    }
    return ERROR_CODES[err.code].exit;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const bug = new FlotillaError('INTERNAL', `internal error: ${e.message}`, {
    hint:
      'this is a bug in Flotilla, not something you did. Please report it with the command you ran, ' +
      `the output of \`flotilla doctor\`${opts.logFile ? ` and the end of ${opts.logFile}` : ''}` +
      (opts.verbose ? '' : '; run it again with --verbose to see the stack trace'),
  });
  if (opts.json) {
    opts.write(`${JSON.stringify({ error: bug.toJSON() })}\n`);
  } else {
    opts.write(
      neutralise(
        `${paint(opts.style, 'red', 'error:')} ${bug.message}\n${paint(opts.style, 'dim', 'hint:')} ${bug.hint}\n`,
        opts.style,
      ),
    );
    if (opts.verbose && e.stack) opts.write(neutralise(`${e.stack}\n`, opts.style));
  }
  return EXIT.bug;
}
