/**
 * Loads the configuration: defaults < user file < repo file (`flotilla.yaml`) < FLOTILLA_* env
 * vars < flags, deep-merged, validated once, every leaf tagged with the layer it came from. A repo
 * file may set only `repo` keys (scope.ts).
 * Synchronous: it runs on every CLI start-up, and reads at most two small files.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  deepMerge,
  envLayer,
  fileLayer,
  flagLayer,
  isPlainObject,
  type Layer,
  recordPaths,
  setIn,
} from './layers.js';
import { leafEntries } from './leaves.js';
import type { ConfigProblem, Origin } from './origin.js';
import { expandHome, REPO_CONFIG_FILE, resolvePaths } from './paths.js';
import { configInvalidError, issuesToProblems } from './problems.js';
import { type Config, ConfigSchema, PATH_KEYS } from './schema.js';
import { checkFileScope } from './scope.js';
import { readYamlConfig, type YamlConfigFile } from './yaml-file.js';

export type { ConfigProblem, Origin } from './origin.js';

/** A validated configuration with the origin of every leaf. */
export interface LoadedConfig {
  config: Config;
  /** Dotted leaf path (`limits.max_concurrent`, `agents.claude-code.env.FOO`) → where it was set. */
  origins: Map<string, Origin>;
  /** The config files that were read, lowest layer first. */
  files: string[];
}

export interface LoadOptions {
  /** The repo whose `flotilla.yaml` is a layer; null or absent = no repo layer. */
  repoRoot?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Values from the command line, keyed by dotted path; strings are read as env values are. */
  flags?: Record<string, unknown>;
  /** The flag a user typed for a path (`server.port` → `--port`), for messages; default `--<path>`. */
  flagNames?: Record<string, string>;
  /** Overrides the user config file from resolvePaths(env); null = no user layer. */
  userConfigFile?: string | null;
  /** Overrides `<repoRoot>/flotilla.yaml` as the repo layer (`config validate <file>`). */
  repoConfigFile?: string | null;
  /** Base for relative paths given in env vars and flags; default process.cwd(). */
  cwd?: string;
  /**
   * The directory error messages name files relative to; default `cwd`. null names them whole (or
   * `~/…`): a daemon answering an API client about one of several repos must say which file.
   */
  showPathsFrom?: string | null;
}

/** Everything learnt from one evaluation, valid or not; `validateConfigFiles` reports from it. */
export interface ConfigEvaluation {
  config: Config | null;
  origins: Map<string, Origin>;
  /** The config files looked for, lowest layer first; `exists` says whether each was there. */
  files: (YamlConfigFile & { kind: 'user' | 'repo' })[];
  problems: ConfigProblem[];
}

/** Loads and validates; throws FlotillaError CONFIG_INVALID listing every problem. */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const result = evaluateConfig(opts);
  if (result.config === null || result.problems.length > 0)
    throw configInvalidError(
      result.problems,
      opts.showPathsFrom === undefined ? opts.cwd : opts.showPathsFrom,
    );
  return {
    config: result.config,
    origins: result.origins,
    files: result.files.filter((f) => f.exists).map((f) => f.file),
  };
}

/** Reads every layer and collects all problems instead of stopping at the first. */
export function evaluateConfig(opts: LoadOptions = {}): ConfigEvaluation {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const userFile = opts.userConfigFile === undefined ? resolvePaths(env).userConfigFile : opts.userConfigFile;
  const sources: { kind: 'user' | 'repo'; file: string }[] = [];
  if (userFile) sources.push({ kind: 'user', file: userFile });
  const repoFile =
    opts.repoConfigFile === undefined
      ? opts.repoRoot
        ? join(opts.repoRoot, REPO_CONFIG_FILE)
        : null
      : opts.repoConfigFile;
  if (repoFile) sources.push({ kind: 'repo', file: resolve(cwd, repoFile) });

  const problems: ConfigProblem[] = [];
  const layers: Layer[] = [];
  const files: ConfigEvaluation['files'] = [];
  for (const { kind, file } of sources) {
    const read = readYamlConfig(file);
    files.push({ ...read, kind });
    for (const p of read.problems) {
      const origin: Origin = p.position ? { kind, file, line: p.position.line } : { kind, file };
      problems.push({ path: '', message: p.message, origin, ...(p.position ? { col: p.position.col } : {}) });
    }
    if (read.data) {
      // Daemon keys in a repo file and planned keys anywhere are refused here, located.
      const checked = checkFileScope(kind, fileLayer(kind, read, read.data), userFile ?? null);
      problems.push(...checked.problems);
      layers.push(fileLayer(kind, read, checked.data));
    }
  }

  const agentNames = layers.flatMap((l) => (isPlainObject(l.data.agents) ? Object.keys(l.data.agents) : []));
  const fromEnv = envLayer(env, agentNames);
  const fromFlags = flagLayer(opts.flags ?? {}, opts.flagNames ?? {}, agentNames);
  problems.push(...fromEnv.problems, ...fromFlags.problems);
  layers.push(fromEnv.layer, fromFlags.layer);

  let merged: Record<string, unknown> = {};
  const setBy = new Map<string, number>();
  layers.forEach((layer, i) => {
    merged = deepMerge(merged, layer.data);
    recordPaths(layer.data, i, setBy);
  });
  const locate = (segments: (string | number)[]) => {
    for (let n = segments.length; n > 0; n--) {
      const index = setBy.get(segments.slice(0, n).join('.'));
      if (index !== undefined) return layers[index]!.originOf(segments);
    }
    return { origin: { kind: 'default' } as Origin };
  };

  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error.issues, merged, locate));
  if (!parsed.success || problems.length > 0) {
    return { config: null, origins: new Map(), files, problems: sortProblems(problems) };
  }

  const config = parsed.data;
  const origins = new Map<string, Origin>();
  for (const { segments } of leafEntries(config)) {
    const index = setBy.get(segments.join('.'));
    origins.set(
      segments.join('.'),
      index === undefined ? { kind: 'default' } : layers[index]!.originOf(segments).origin,
    );
  }
  resolvePathKeys(config, origins, env, cwd);
  return { config, origins, files, problems };
}

const LAYER_RANK: Record<Origin['kind'], number> = { user: 0, repo: 1, env: 2, flag: 3, default: 4 };

/** Lowest layer first, then in file order: the order a user would fix them in. */
function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const line = (p: ConfigProblem) => ('line' in p.origin ? (p.origin.line ?? 0) : 0);
  return [...problems].sort(
    (a, b) =>
      LAYER_RANK[a.origin.kind] - LAYER_RANK[b.origin.kind] ||
      line(a) - line(b) ||
      (a.col ?? 0) - (b.col ?? 0),
  );
}

/** `~` is the home dir; a relative path is relative to the file that set it (else the cwd). */
function resolvePathKeys(
  config: Config,
  origins: Map<string, Origin>,
  env: NodeJS.ProcessEnv,
  cwd: string,
): void {
  for (const key of PATH_KEYS) {
    const segments = key.split('.');
    let value: unknown = config;
    for (const seg of segments) value = (value as Record<string, unknown>)[seg];
    if (typeof value !== 'string') continue;
    const origin = origins.get(key);
    const base = origin && (origin.kind === 'user' || origin.kind === 'repo') ? dirname(origin.file) : cwd;
    const expanded = expandHome(value, env);
    setIn(
      config as unknown as Record<string, unknown>,
      segments,
      isAbsolute(expanded) ? expanded : resolve(base, expanded),
    );
  }
}
