/** Where a config value (or a config problem) came from, and how to say so to a user. */
import { homedir } from 'node:os';
import { isAbsolute, relative, sep } from 'node:path';

/** The layer that set a value: a default, a file (with the key's line), an env var, or a flag. */
export type Origin =
  | { kind: 'default' }
  | { kind: 'user' | 'repo'; file: string; line?: number }
  | { kind: 'env'; variable: string }
  | { kind: 'flag'; flag: string };

/** One thing wrong with the configuration, located as precisely as the layer allows. */
export interface ConfigProblem {
  /** Dotted key path (`limits.max_concurrent`); empty when the problem is with a whole file. */
  path: string;
  /** What is wrong, without the location: `expected an integer ≥ 1, got "many"`. */
  message: string;
  origin: Origin;
  /** Column of the key in its file, when the origin is a file line. */
  col?: number;
  /** How to fix it, when there is something more specific to say than "edit the file". */
  hint?: string;
}

/**
 * A path as a user would like to read it: relative under `cwd`, `~/…` under the home dir. A null
 * `cwd` never shortens to a relative path: the reader (an API client) is not in our cwd.
 */
export function displayPath(
  file: string,
  cwd: string | null = process.cwd(),
  home: string = homedir(),
): string {
  if (!isAbsolute(file)) return file;
  const rel = cwd === null ? '' : relative(cwd, file);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return rel;
  if (home && (file === home || file.startsWith(home + sep))) return `~${file.slice(home.length)}`;
  return file;
}

/** `flotilla.yaml:4:3`, `FLOTILLA_SERVER__PORT`, `--port` or `default`. */
export function formatWhere(origin: Origin, col?: number, cwd?: string | null): string {
  switch (origin.kind) {
    case 'default':
      return 'default';
    case 'env':
      return origin.variable;
    case 'flag':
      return origin.flag;
    default: {
      const file = displayPath(origin.file, cwd);
      if (origin.line === undefined) return file;
      return col === undefined ? `${file}:${origin.line}` : `${file}:${origin.line}:${col}`;
    }
  }
}

/** For `config show --origin`: `default`, `user ~/.config/flotilla/config.yaml:3`, `env FLOTILLA_X`. */
export function formatOrigin(origin: Origin, cwd?: string): string {
  switch (origin.kind) {
    case 'default':
      return 'default';
    case 'env':
      return `env ${origin.variable}`;
    case 'flag':
      return `flag ${origin.flag}`;
    default:
      return `${origin.kind} ${formatWhere(origin, undefined, cwd)}`;
  }
}

/** One line per problem: `flotilla.yaml:4:3: limits.max_concurrent: expected …`. */
export function formatProblem(problem: ConfigProblem, cwd?: string | null): string {
  const where = formatWhere(problem.origin, problem.col, cwd);
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}
