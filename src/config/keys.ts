/**
 * Reads the config schema as data: the documented keys, their types and defaults, the schema node
 * at any concrete path (`agents.claude-code.env.FOO`), and the env var name of a path. The docs,
 * the starter file, env parsing, error messages and `config show` all read the schema through here,
 * so they cannot drift from it. Everything is computed lazily: this module runs on CLI start-up.
 */
import { z } from 'zod';
import type { ConfigScope } from './format.js';
import { ConfigSchema } from './schema.js';

/** Placeholder segment for a record key in documented paths: `agents.<name>.command`. */
export const NAME_PLACEHOLDER = '<name>';

/** What a leaf holds. `map` is a record of string values (agents.<name>.env). */
export type LeafKind = 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'list' | 'map';

/** A schema node with its wrappers peeled: what `docs`, errors and env parsing need to know. */
export interface NodeInfo {
  /** The innermost schema (object, record, array, string, number, boolean, enum). */
  core: z.ZodType;
  description: string;
  nullable: boolean;
  /** The default as the user would write it; undefined when there is none or it is computed. */
  defaultValue: unknown;
  hasDefault: boolean;
  /** What a value must look like, when a format says more than its type (`owner/name`). */
  expected: string | undefined;
  /** The scope tagged on this node itself; a key without one has its section's (`scopeOf`). */
  scope: ConfigScope | undefined;
}

/** One documented key. Record keys appear as placeholders (`agents.<name>.command`). */
export interface ConfigKey extends NodeInfo {
  path: string;
  kind: LeafKind;
  /** Environment variable that sets it, e.g. FLOTILLA_LIMITS__MAX_CONCURRENT. */
  envVar: string;
  /** Who may set it: a repo's flotilla.yaml (`repo`), or only the daemon's layers (`daemon`). */
  scope: ConfigScope;
}

/** Peels default/prefault/optional/nullable/pipe wrappers, keeping the first description found. */
export function nodeInfo(schema: z.ZodType): NodeInfo {
  let node: z.ZodType = schema;
  let description = '';
  let nullable = false;
  let hasDefault = false;
  let defaultValue: unknown;
  let expected: string | undefined;
  let scope: ConfigScope | undefined;
  for (;;) {
    if (!description && node.description) description = node.description;
    const meta = z.globalRegistry.get(node);
    if (expected === undefined && typeof meta?.expected === 'string') expected = meta.expected;
    if (scope === undefined && (meta?.scope === 'repo' || meta?.scope === 'daemon')) scope = meta.scope;
    if (node instanceof z.ZodDefault || node instanceof z.ZodPrefault) {
      if (!hasDefault) {
        hasDefault = true;
        defaultValue = node.def.defaultValue;
      }
      node = node.def.innerType as z.ZodType;
    } else if (node instanceof z.ZodOptional) {
      node = node.def.innerType as z.ZodType;
    } else if (node instanceof z.ZodNullable) {
      nullable = true;
      node = node.def.innerType as z.ZodType;
    } else if (node instanceof z.ZodPipe) {
      node = node.def.in as z.ZodType;
    } else {
      return { core: node, description, nullable, defaultValue, hasDefault, expected, scope };
    }
  }
}

/** Whether a node is a branch (its children are separate keys) rather than a value. */
function childrenOf(
  core: z.ZodType,
): { kind: 'object'; shape: Record<string, z.ZodType> } | { kind: 'record'; value: z.ZodType } | null {
  if (core instanceof z.ZodObject) return { kind: 'object', shape: core.shape as Record<string, z.ZodType> };
  if (core instanceof z.ZodRecord) {
    const value = core.def.valueType as z.ZodType;
    // A record of objects (agents) is a branch; a record of strings (env) is one value, a map.
    if (nodeInfo(value).core instanceof z.ZodObject) return { kind: 'record', value };
  }
  return null;
}

export function leafKind(core: z.ZodType): LeafKind {
  if (core instanceof z.ZodBoolean) return 'boolean';
  if (core instanceof z.ZodEnum) return 'enum';
  if (core instanceof z.ZodArray) return 'list';
  if (core instanceof z.ZodRecord) return 'map';
  if (core instanceof z.ZodNumber) return core.isInt ? 'integer' : 'number';
  return 'string';
}

let keysCache: ConfigKey[] | undefined;

/** Every documented leaf key, in schema order. */
export function configKeys(): readonly ConfigKey[] {
  if (keysCache) return keysCache;
  const keys: ConfigKey[] = [];
  const walk = (schema: z.ZodType, path: string[], envSegments: string[], inherited?: ConfigScope) => {
    const info = nodeInfo(schema);
    const scope = info.scope ?? inherited;
    const children = childrenOf(info.core);
    if (children?.kind === 'object') {
      for (const [key, child] of Object.entries(children.shape))
        walk(child, [...path, key], [...envSegments, key.toUpperCase()], scope);
    } else if (children?.kind === 'record') {
      const segment = NAME_PLACEHOLDER.toUpperCase();
      walk(children.value, [...path, NAME_PLACEHOLDER], [...envSegments, segment], scope);
    } else {
      const where = path.join('.');
      if (scope === undefined) throw new Error(`config key ${where} has no scope: tag it or its section`);
      keys.push({ ...info, path: where, kind: leafKind(info.core), envVar: envVarName(envSegments), scope });
    }
  };
  walk(ConfigSchema, [], []);
  keysCache = keys;
  return keys;
}

/** The documented key paths, e.g. `limits.max_concurrent`, `agents.<name>.command`. */
export function configKeyPaths(): string[] {
  return configKeys().map((k) => k.path);
}

const envVarName = (segments: string[]) => `FLOTILLA_${segments.join('__')}`;

/** What the schema says about one concrete path, or why the path does not exist. */
export type PathLookup =
  | { ok: true; info: NodeInfo; leaf: boolean; envVar: string; scope: ConfigScope | undefined }
  | { ok: false; at: number; siblings: string[] };

/**
 * Resolves a concrete path (segments as in YAML: `['agents', 'claude-code', 'env', 'FOO']`) against
 * the schema. Array indexes resolve to the element schema.
 */
export function lookupPath(segments: readonly (string | number)[]): PathLookup {
  let schema: z.ZodType = ConfigSchema;
  const env: string[] = [];
  let scope: ConfigScope | undefined;
  for (let i = 0; i < segments.length; i++) {
    const seg = String(segments[i]);
    const info = nodeInfo(schema);
    scope = info.scope ?? scope;
    const children = childrenOf(info.core);
    if (children?.kind === 'object') {
      const child = children.shape[seg];
      if (!child) return { ok: false, at: i, siblings: Object.keys(children.shape) };
      schema = child;
      env.push(seg.toUpperCase());
    } else if (children?.kind === 'record') {
      schema = children.value;
      env.push(agentNameToEnv(seg));
    } else if (info.core instanceof z.ZodRecord) {
      schema = info.core.def.valueType as z.ZodType;
      env.push(seg);
    } else if (info.core instanceof z.ZodArray && /^\d+$/.test(seg)) {
      schema = info.core.def.element as z.ZodType;
      env.push(seg);
    } else {
      return { ok: false, at: i, siblings: [] };
    }
  }
  const info = nodeInfo(schema);
  return {
    ok: true,
    info,
    leaf: childrenOf(info.core) === null,
    envVar: envVarName(env),
    scope: info.scope ?? scope,
  };
}

/** Agent names use dashes, env var names cannot: `claude-code` ↔ `CLAUDE_CODE`. */
export const agentNameToEnv = (name: string) => name.toUpperCase().replaceAll('-', '_');
export const envToAgentName = (segment: string) => segment.toLowerCase().replaceAll('_', '-');

/** The environment variable that sets a concrete path. */
export function envVarFor(path: string): string {
  const found = lookupPath(path.split('.'));
  if (!found.ok) throw new Error(`not a config path: ${path}`);
  return found.envVar;
}

/**
 * Maps `FLOTILLA_A__B__C` back to path segments by walking the schema: object keys are
 * lower-cased, agent names get their dashes back, env map keys are kept verbatim (and may contain
 * `__`). An agent name may itself produce `__` (`a--b` → `A__B`), so it ends at the first `__`
 * that is followed by a key of an agent entry. On failure, `at` is the index of the segment that
 * matched nothing.
 */
export function envVarToPath(
  variable: string,
): { ok: true; segments: string[] } | { ok: false; at: number; siblings: string[] } {
  let rest = variable.slice('FLOTILLA_'.length);
  const segments: string[] = [];
  let schema: z.ZodType = ConfigSchema;
  const fail = (siblings: string[] = []) => ({ ok: false as const, at: segments.length, siblings });
  while (rest !== '') {
    const info = nodeInfo(schema);
    const children = childrenOf(info.core);
    if (children?.kind === 'object') {
      const end = rest.indexOf('__');
      const part = end === -1 ? rest : rest.slice(0, end);
      rest = end === -1 ? '' : rest.slice(end + 2);
      const child = children.shape[part.toLowerCase()];
      if (!child || part !== part.toUpperCase()) return fail(Object.keys(children.shape));
      segments.push(part.toLowerCase());
      schema = child;
    } else if (children?.kind === 'record') {
      const entry = childrenOf(nodeInfo(children.value).core);
      const keys = entry?.kind === 'object' ? Object.keys(entry.shape).map((k) => k.toUpperCase()) : [];
      let end = -1;
      for (let p = rest.indexOf('__', 1); p !== -1 && end === -1; p = rest.indexOf('__', p + 1)) {
        const next = rest.slice(p + 2).split('__')[0] ?? '';
        if (keys.includes(next)) end = p;
      }
      const name = end === -1 ? rest : rest.slice(0, end);
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) return fail();
      segments.push(envToAgentName(name));
      rest = end === -1 ? '' : rest.slice(end + 2);
      schema = children.value;
    } else if (info.core instanceof z.ZodRecord) {
      segments.push(rest);
      rest = '';
    } else {
      return fail();
    }
  }
  return segments.length > 0 ? { ok: true, segments } : fail();
}

/** Human words for what a leaf accepts: "an integer from 0 to 65535", "one of warn, stop, restart". */
export function describeExpected(info: NodeInfo): string {
  const core = info.core;
  let text: string;
  if (info.expected) text = info.expected;
  else if (core instanceof z.ZodBoolean) text = 'true or false';
  else if (core instanceof z.ZodEnum) text = `one of ${enumValues(core).join(', ')}`;
  else if (core instanceof z.ZodArray) text = `a list of ${plural(nodeInfo(core.def.element as z.ZodType))}`;
  else if (core instanceof z.ZodRecord) text = 'a mapping of NAME: value strings';
  else if (core instanceof z.ZodNumber) text = `${core.isInt ? 'an integer' : 'a number'}${range(core)}`;
  else if (core instanceof z.ZodObject) text = 'a mapping of keys';
  else text = (core as z.ZodString).minLength ? 'a non-empty string' : 'a string';
  return info.nullable ? `${text} or null` : text;
}

function plural(info: NodeInfo): string {
  if (info.core instanceof z.ZodNumber) return info.core.isInt ? 'integers' : 'numbers';
  if (info.core instanceof z.ZodBoolean) return 'booleans';
  return 'strings';
}

export const enumValues = (core: z.ZodType): string[] =>
  core instanceof z.ZodEnum ? (core.options as unknown[]).map(String) : [];

const BIG = 1e15;
function range(core: z.ZodNumber): string {
  const min = core.minValue !== null && Math.abs(core.minValue) < BIG ? core.minValue : null;
  const max = core.maxValue !== null && Math.abs(core.maxValue) < BIG ? core.maxValue : null;
  if (min !== null && max !== null) return ` from ${min} to ${max}`;
  if (min !== null) return ` ≥ ${min}`;
  if (max !== null) return ` ≤ ${max}`;
  return '';
}
