/**
 * Which layer may set which key (ADR 0019). A `repo` key is read per repo, so a repo's
 * `flotilla.yaml` may set it; a `daemon` key is read once by the daemon, which serves every repo,
 * so a repo file that sets one is an error that says where the key belongs. Keys of planned
 * features (planned.ts) are refused in every file here, and in variables and flags by layers.ts.
 */
import { configKeys, envVarFor, lookupPath } from './keys.js';
import { getIn, isPlainObject, type Layer, setIn } from './layers.js';
import { leafEntries } from './leaves.js';
import { type ConfigProblem, displayPath } from './origin.js';
import { plannedFeature, plannedProblem } from './planned.js';
import type { Config } from './schema.js';

/**
 * The problem for a daemon key set in a repo file: where the key belongs instead. `userFile` is
 * the user config file the daemon reads (null when there is none).
 */
export function daemonKeyProblem(
  path: string,
  where: Pick<ConfigProblem, 'origin' | 'col'>,
  userFile: string | null,
): ConfigProblem {
  const file = userFile ? displayPath(userFile) : 'your user config file (flotilla config path)';
  return {
    path,
    message:
      "a daemon setting, which a repo's flotilla.yaml cannot set: one daemon serves every repo and reads it from its own config",
    hint: `move it to ${file} or set ${envVarFor(path)}, then run flotilla daemon restart`,
    ...where,
  };
}

/** Every path under `segments` that a value sets: leaves, empty mappings and non-mappings. */
function setPaths(value: unknown, segments: string[]): string[][] {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return [segments];
  return Object.entries(value).flatMap(([k, v]) => setPaths(v, [...segments, k]));
}

/** A copy of `data` without the value at `segments`. */
function without(data: Record<string, unknown>, segments: readonly string[]): Record<string, unknown> {
  const [head, ...rest] = segments;
  if (head === undefined || !Object.hasOwn(data, head)) return data;
  const copy = { ...data };
  const child = copy[head];
  if (rest.length === 0 || !isPlainObject(child)) delete copy[head];
  else copy[head] = without(child, rest);
  return copy;
}

/**
 * Checks what a file layer sets against the scope rules: planned keys anywhere, daemon keys in a
 * repo file. Returns the problems and the layer's data without the refused keys, so that the
 * schema does not report them a second time (as unknown keys).
 */
export function checkFileScope(
  kind: 'user' | 'repo',
  layer: Layer,
  userFile: string | null,
): { data: Record<string, unknown>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  let data = layer.data;
  for (const segments of setPaths(data, [])) {
    const feature = plannedFeature(segments);
    if (feature === undefined) continue;
    problems.push(plannedProblem(feature, segments.join('.'), layer.originOf(segments)));
  }
  if (Object.hasOwn(data, 'integrations')) data = without(data, ['integrations']);
  if (kind === 'repo') {
    for (const { segments } of leafEntries(data)) {
      const found = lookupPath(segments);
      // Sections that are not mappings are left to the schema (a type error), as are unknown keys.
      if (!found.ok || !found.leaf || found.scope !== 'daemon') continue;
      const path = segments.join('.');
      problems.push(daemonKeyProblem(path, layer.originOf(segments), userFile));
      data = without(data, segments);
    }
  }
  return { data, problems };
}

/**
 * A repo's config with every daemon key taken from the daemon's own config. A repo file cannot set
 * a daemon key, but the two configs are loaded from different layers (the daemon's has its
 * flags): this makes a daemon key read through a repo's config the daemon's value, always.
 */
export function repoScoped(repo: Config, daemon: Config): Config {
  const out = structuredClone(repo) as unknown as Record<string, unknown>;
  for (const key of configKeys()) {
    if (key.scope !== 'daemon') continue;
    const segments = key.path.split('.');
    setIn(out, segments, structuredClone(getIn(daemon, segments)));
  }
  return out as unknown as Config;
}
