/**
 * The layers a configuration is merged from, as plain data plus a way to name the origin of any
 * path they set: YAML files, `FLOTILLA_*__*` environment variables, and command-line flags.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configKeys, envVarToPath, lookupPath, NAME_PLACEHOLDER, type NodeInfo } from './keys.js';
import type { ConfigProblem, Origin } from './origin.js';
import { plannedFeature, plannedProblem } from './planned.js';
import { BUILTIN_AGENT_NAMES } from './schema.js';
import { didYouMean } from './suggest.js';
import type { YamlConfigFile } from './yaml-file.js';

type Segments = readonly (string | number)[];

/** One source of values. `originOf` names where a path it set came from (with line and column). */
export interface Layer {
  data: Record<string, unknown>;
  originOf(segments: Segments): { origin: Origin; col?: number };
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Defines an own property even for `__proto__`, so a YAML key cannot reach a prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Later wins; mappings merge key by key, lists and scalars replace. */
export function deepMerge(
  base: Record<string, unknown>,
  overlay: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(overlay)) {
    const prev = out[k];
    setOwn(out, k, isPlainObject(prev) && isPlainObject(v) && Object.hasOwn(out, k) ? deepMerge(prev, v) : v);
  }
  return out;
}

export function setIn(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node = target;
  for (const seg of segments.slice(0, -1)) {
    const next = Object.hasOwn(node, seg) ? node[seg] : undefined;
    if (isPlainObject(next)) node = next;
    else {
      const fresh: Record<string, unknown> = {};
      setOwn(node, seg, fresh);
      node = fresh;
    }
  }
  const last = segments.at(-1);
  if (last !== undefined) setOwn(node, last, value);
}

export function getIn(data: unknown, segments: Segments): unknown {
  let node = data;
  for (const seg of segments) {
    if (Array.isArray(node) && typeof seg === 'number') node = node[seg];
    else if (isPlainObject(node) && Object.hasOwn(node, String(seg))) node = node[String(seg)];
    else return undefined;
  }
  return node;
}

/** A YAML file as a layer: origins carry the line and column of the key. */
export function fileLayer(kind: 'user' | 'repo', file: YamlConfigFile, data: Record<string, unknown>): Layer {
  return {
    data,
    originOf(segments) {
      const pos = file.locate(segments);
      return pos
        ? { origin: { kind, file: file.file, line: pos.line }, col: pos.col }
        : { origin: { kind, file: file.file } };
    },
  };
}

/** Builds a layer whose values each came from one named setting (a variable or a flag). */
function namedLayer(entries: { segments: string[]; value: unknown; origin: Origin }[]): Layer {
  const data: Record<string, unknown> = {};
  // Shorter paths first, so FLOTILLA_RESTART__BACKOFF__MAX_MS refines FLOTILLA_RESTART__BACKOFF.
  const sorted = [...entries].sort((a, b) => a.segments.length - b.segments.length);
  const byPath = new Map<string, Origin>();
  for (const e of sorted) {
    const prev = getIn(data, e.segments);
    setIn(
      data,
      e.segments,
      isPlainObject(prev) && isPlainObject(e.value) ? deepMerge(prev, e.value) : e.value,
    );
    byPath.set(e.segments.join('.'), e.origin);
  }
  return {
    data,
    originOf(segments) {
      for (let n = segments.length; n >= 0; n--) {
        const origin = byPath.get(segments.slice(0, n).join('.'));
        if (origin) return { origin };
      }
      return { origin: { kind: 'default' } };
    },
  };
}

/** Env and flag values are text: YAML for numbers, booleans, lists and maps; verbatim for strings. */
function parseSettingValue(
  text: string,
  info: NodeInfo,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const isText = info.core instanceof z.ZodString || info.core instanceof z.ZodEnum;
  if (isText) return { ok: true, value: info.nullable && (text === 'null' || text === '~') ? null : text };
  try {
    return { ok: true, value: parseYaml(text) as unknown };
  } catch (err) {
    const first = ((err as Error).message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '');
    return { ok: false, message: `not a valid YAML value: ${first}` };
  }
}

/** The key path a variable would name if every segment were a plain key: for planned keys. */
const envVarSegments = (variable: string) =>
  variable
    .slice('FLOTILLA_'.length)
    .split('__')
    .map((s) => s.toLowerCase());

/** Variables that configure Flotilla: `FLOTILLA_` + key path with `__` between segments. */
export const isConfigEnvVar = (name: string) =>
  name.startsWith('FLOTILLA_') && (name.includes('__') || name === 'FLOTILLA_AGENT');

/** Every variable name that could be meant, for suggestions. */
function knownEnvVars(agentNames: Iterable<string>): string[] {
  const names = new Set<string>();
  const agents = [...new Set([...BUILTIN_AGENT_NAMES, ...agentNames])];
  for (const key of configKeys()) {
    if (key.envVar.includes(NAME_PLACEHOLDER.toUpperCase())) {
      for (const a of agents)
        names.add(key.envVar.replace(NAME_PLACEHOLDER.toUpperCase(), a.toUpperCase().replaceAll('-', '_')));
    } else {
      names.add(key.envVar);
    }
  }
  return [...names];
}

/**
 * The `FLOTILLA_*` variables that are configuration. Empty values count as unset, as in most
 * tools, so `FLOTILLA_SERVER__PORT= flotilla …` falls back to the files.
 */
export function envLayer(
  env: NodeJS.ProcessEnv,
  agentNames: Iterable<string>,
): { layer: Layer; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const entries: { segments: string[]; value: unknown; origin: Origin }[] = [];
  let known: string[] | undefined;
  for (const variable of Object.keys(env).sort()) {
    const text = env[variable];
    if (!isConfigEnvVar(variable) || text === undefined || text === '') continue;
    const origin: Origin = { kind: 'env', variable };
    const resolved = envVarToPath(variable);
    const found = resolved.ok ? lookupPath(resolved.segments) : undefined;
    const planned = resolved.ok ? undefined : plannedFeature(envVarSegments(variable));
    if (planned) {
      problems.push(plannedProblem(planned, envVarSegments(variable).join('.'), { origin }));
      continue;
    }
    if (!resolved.ok || !found?.ok) {
      known ??= knownEnvVars(agentNames);
      problems.push({
        path: '',
        origin,
        message: `not a known config variable${didYouMean(variable, known, '')}`,
        hint: `rename or unset ${variable}: config variables are FLOTILLA_ + the key path in capitals with __ between keys (FLOTILLA_LIMITS__MAX_CONCURRENT); docs/configuration.md lists them`,
      });
      continue;
    }
    const value = parseSettingValue(text, found.info);
    if (!value.ok) {
      problems.push({
        path: resolved.segments.join('.'),
        origin,
        message: value.message,
        hint: `fix or unset ${variable}`,
      });
      continue;
    }
    entries.push({ segments: resolved.segments, value: value.value, origin });
  }
  return { layer: namedLayer(entries), problems };
}

/**
 * Flags keyed by dotted path. String values are read as env values are, so a CLI can pass its
 * option text straight through; `flagNames` maps a path to the flag a user typed, for messages.
 */
export function flagLayer(
  flags: Record<string, unknown>,
  flagNames: Record<string, string>,
  agentNames: Iterable<string>,
): { layer: Layer; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const entries: { segments: string[]; value: unknown; origin: Origin }[] = [];
  for (const [path, raw] of Object.entries(flags)) {
    if (raw === undefined) continue;
    const origin: Origin = { kind: 'flag', flag: flagNames[path] ?? `--${path}` };
    const segments = path.split('.');
    const found = lookupPath(segments);
    const planned = found.ok ? undefined : plannedFeature(segments);
    if (planned) {
      problems.push(plannedProblem(planned, path, { origin }));
      continue;
    }
    if (!found.ok) {
      const word = segments[found.at] ?? path;
      const near = didYouMean(word, found.siblings.length > 0 ? found.siblings : [...agentNames]);
      problems.push({ path, origin, message: `unknown config key '${path}': no '${word}' here${near}` });
      continue;
    }
    const value =
      typeof raw === 'string' ? parseSettingValue(raw, found.info) : { ok: true as const, value: raw };
    if (!value.ok) {
      problems.push({ path, origin, message: value.message });
      continue;
    }
    entries.push({ segments, value: value.value, origin });
  }
  return { layer: namedLayer(entries), problems };
}

/** Records, for every node path a layer sets, the index of the last layer that set it. */
export function recordPaths(
  data: unknown,
  layerIndex: number,
  setBy: Map<string, number>,
  prefix = '',
): void {
  if (!isPlainObject(data)) return;
  for (const [k, v] of Object.entries(data)) {
    const path = prefix ? `${prefix}.${k}` : k;
    setBy.set(path, layerIndex);
    recordPaths(v, layerIndex, setBy, path);
  }
}
