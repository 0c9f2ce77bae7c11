/**
 * What `flotilla config show [--origin]`, `config get` and `config validate` print, as data: the
 * CLI formats it. Values of secret-looking keys are never shown, whatever the caller asks.
 */
import { basename, resolve } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { isSecretName, REDACTED, redactSecrets } from '../domain/secrets.js';
import { lookupPath } from './keys.js';
import { getIn, isPlainObject } from './layers.js';
import { leafEntries } from './leaves.js';
import { evaluateConfig, type LoadedConfig, type LoadOptions } from './load.js';
import { type ConfigProblem, formatOrigin, formatProblem, type Origin } from './origin.js';
import { REPO_CONFIG_FILE } from './paths.js';
import { plannedFeature } from './planned.js';
import { didYouMean } from './suggest.js';

export { REDACTED } from '../domain/secrets.js';
export { displayPath, formatOrigin, formatProblem } from './origin.js';

/**
 * Keys whose last segment names a secret (`…token`, `…SECRET…`, `…password…`, `…_KEY`): their
 * values are never displayed. Config stores env var *names* (`token_env`), which are not secret.
 * The rule itself is `isSecretName` (domain/secrets.ts), shared with every other view.
 */
export const isSecretKey = (path: string): boolean => isSecretName(path.split('.').at(-1) ?? '');

/** One row of `config show`. */
export interface ConfigRow {
  path: string;
  /** The value, or REDACTED for a secret key. */
  value: unknown;
  /** The value as one line of text: strings bare, lists and maps as JSON. */
  text: string;
  origin: Origin;
  /** `default`, `repo flotilla.yaml:4`, `env FLOTILLA_SERVER__PORT`, `flag --port`. */
  originText: string;
  secret: boolean;
}

/** A value as one line: `claude`, `4`, `null`, `[".env",".env.*"]`, `""`. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value) ?? String(value);
}

/** Every leaf of the loaded config with its origin, in schema order. */
export function configRows(loaded: LoadedConfig, opts: { cwd?: string } = {}): ConfigRow[] {
  return leafEntries(loaded.config).map(({ segments, value }) => {
    const path = segments.join('.');
    const secret = isSecretKey(path);
    const shown = secret ? REDACTED : redactSecrets(value);
    const origin = loaded.origins.get(path) ?? { kind: 'default' };
    return {
      path,
      value: shown,
      text: formatValue(shown),
      origin,
      originText: formatOrigin(origin, opts.cwd),
      secret,
    };
  });
}

/** A deep copy with every secret value replaced and URL passwords masked, for `config show --json`. */
export function redactConfig<T>(value: T, path = ''): T {
  return redactSecrets(value, path.split('.').at(-1) ?? '');
}

/**
 * The value at a dotted path (a leaf or a whole section) for `config get`, redacted, with the
 * origin when it is a leaf. Throws INVALID_INPUT with a did-you-mean for an unknown path.
 */
export function configValue(
  loaded: LoadedConfig,
  path: string,
): { value: unknown; origin: Origin | undefined } {
  const segments = path.split('.');
  const value = getIn(loaded.config, segments);
  const planned = plannedFeature(segments);
  if (planned) {
    throw new FlotillaError('INVALID_INPUT', `config key '${path}' is not yet supported`, {
      hint: `${planned.what} are planned; the key has no effect yet`,
    });
  }
  if (!lookupPath(segments).ok || value === undefined) {
    // Suggest among what exists where the path first goes wrong: section keys or agent names.
    let at = 0;
    while (at < segments.length - 1 && getIn(loaded.config, segments.slice(0, at + 1)) !== undefined) at++;
    const parent = getIn(loaded.config, segments.slice(0, at));
    const candidates = isPlainObject(parent) ? Object.keys(parent) : [];
    throw new FlotillaError(
      'INVALID_INPUT',
      `unknown config key '${path}'${didYouMean(segments[at] ?? path, candidates)}`,
      {
        hint: '`flotilla config show` lists every key; docs/configuration.md describes them',
      },
    );
  }
  return {
    value: isSecretKey(path) ? REDACTED : redactConfig(value, path),
    origin: loaded.origins.get(path),
  };
}

/** What `config validate` found in one source. */
export interface SourceValidation {
  kind: 'user' | 'repo' | 'file' | 'env' | 'flags' | 'defaults';
  /** The file, for file sources. */
  file: string | null;
  exists: boolean;
  ok: boolean;
  problems: ConfigProblem[];
  /** The problems as printable lines (`flotilla.yaml:4:3: limits.max_concurrent: …`). */
  messages: string[];
}

/** The outcome of `config validate`: every source, every problem. */
export interface ConfigValidation {
  ok: boolean;
  sources: SourceValidation[];
}

/**
 * Validates the configuration the way `loadConfig` would, then reports per source: the user file,
 * the repo file, the environment, the flags, and any `files` named explicitly (each checked on its
 * own, on top of the defaults). Missing files are listed with `exists: false` and are fine.
 */
export function validateConfigFiles(opts: LoadOptions & { files?: string[] } = {}): ConfigValidation {
  const sources: SourceValidation[] = [];
  const make = (
    kind: SourceValidation['kind'],
    file: string | null,
    exists: boolean,
    problems: ConfigProblem[],
  ): SourceValidation => ({
    kind,
    file,
    exists,
    ok: problems.length === 0,
    problems,
    messages: problems.map((p) => formatProblem(p, opts.cwd)),
  });

  const evaluation = evaluateConfig(opts);
  const claimed = new Set<ConfigProblem>();
  const take = (match: (p: ConfigProblem) => boolean) => {
    const mine = evaluation.problems.filter((p) => !claimed.has(p) && match(p));
    for (const p of mine) claimed.add(p);
    return mine;
  };
  for (const file of evaluation.files) {
    const problems = take((p) => p.origin.kind === file.kind && p.origin.file === file.file);
    sources.push(make(file.kind, file.file, file.exists, problems));
  }
  sources.push(
    make(
      'env',
      null,
      true,
      take((p) => p.origin.kind === 'env'),
    ),
  );
  if (opts.flags && Object.keys(opts.flags).length > 0) {
    sources.push(
      make(
        'flags',
        null,
        true,
        take((p) => p.origin.kind === 'flag'),
      ),
    );
  }
  // A problem at a path no layer set (e.g. a required key missing) must not vanish either.
  const rest = take(() => true);
  if (rest.length > 0) sources.push(make('defaults', null, true, rest));

  for (const file of opts.files ?? []) {
    // A file named flotilla.yaml is checked as a repo file (repo keys only), any other as a user file.
    const kind = basename(file) === REPO_CONFIG_FILE ? 'repo' : 'user';
    const alone = evaluateConfig({
      ...opts,
      env: {},
      flags: {},
      userConfigFile: kind === 'user' ? resolve(opts.cwd ?? process.cwd(), file) : null,
      repoConfigFile: kind === 'repo' ? file : null,
    });
    const read = alone.files[0];
    const path = read?.file ?? file;
    const missing: ConfigProblem[] = read?.exists
      ? []
      : [{ path: '', message: 'no such file', origin: { kind, file: path } }];
    sources.push(make('file', path, read?.exists ?? false, [...missing, ...alone.problems]));
  }
  return { ok: sources.every((s) => s.ok), sources };
}
