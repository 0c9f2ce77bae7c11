/**
 * Turns schema issues into problems a user can act on: located in the layer that set the value
 * (file:line:col, env var or flag), worded as "expected …, got …", with a did-you-mean for unknown
 * keys — and the one CONFIG_INVALID error that carries them all.
 */
import { z } from 'zod';
import { FlotillaError } from '../domain/errors.js';
import { describeExpected, enumValues, lookupPath, nodeInfo } from './keys.js';
import { getIn } from './layers.js';
import { type ConfigProblem, formatProblem, type Origin } from './origin.js';
import { didYouMean } from './suggest.js';

type Segments = (string | number)[];
/** Finds the layer that set a path (or its nearest ancestor) and where. */
export type Locator = (segments: Segments) => { origin: Origin; col?: number };

/** A short rendering of a bad value: strings quoted, long values cut. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The schema problems in `merged` (the raw merged layers), each located. */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  merged: unknown,
  locate: Locator,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as Segments;
    if (issue.code === 'unrecognized_keys') {
      const parent = lookupPath(path);
      const siblings =
        parent.ok && parent.info.core instanceof z.ZodObject ? Object.keys(parent.info.core.shape) : [];
      for (const key of issue.keys) {
        const where = locate([...path, key]);
        const scope = path.length ? `under ${path.join('.')}` : 'at the top level';
        problems.push({
          path: [...path, key].join('.'),
          message: `unknown key '${key}'${didYouMean(key, siblings)}`,
          ...where,
          hint: `valid keys ${scope}: ${siblings.join(', ')}`,
        });
      }
      continue;
    }
    problems.push({ path: path.join('.'), ...describeIssue(issue, path, merged), ...locate(path) });
  }
  return problems;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  path: Segments,
  merged: unknown,
): { message: string; hint?: string } {
  const value = getIn(merged, path);
  if (issue.code === 'custom') return { message: issue.message };
  if (issue.code === 'invalid_key') {
    const parent = lookupPath(path.slice(0, -1));
    const keyType =
      parent.ok && parent.info.core instanceof z.ZodRecord ? parent.info.core.def.keyType : undefined;
    const expected = keyType ? nodeInfo(keyType as z.ZodType).expected : undefined;
    return { message: `invalid name '${String(path.at(-1))}'${expected ? `: expected ${expected}` : ''}` };
  }
  const node = lookupPath(path);
  if (!node.ok) return { message: issue.message };
  const values = enumValues(node.info.core);
  const hint = values.length > 0 ? `valid values: ${values.join(', ')}` : undefined;
  return {
    message: `expected ${describeExpected(node.info)}, got ${showValue(value)}`,
    ...(hint ? { hint } : {}),
  };
}

/**
 * How to fix a problem from the layer it came from, when the problem has no better hint. A flag
 * label that is not a command-line option (createFlotilla's `config`) is named as it is.
 */
function layerHint(problem: ConfigProblem): string {
  const { origin } = problem;
  switch (origin.kind) {
    case 'env':
      return `fix or unset ${origin.variable}`;
    case 'flag':
      if (origin.flag.startsWith('-')) return `fix the ${origin.flag} option`;
      return problem.path ? `fix '${problem.path}' in ${origin.flag}` : `fix ${origin.flag}`;
    case 'default':
      return 'see docs/configuration.md';
    default:
      return 'fix the file, then run `flotilla config validate` to check it';
  }
}

/**
 * The error thrown for an invalid configuration: one line naming the first problem, all in
 * `issues`. One hint: the problem's own when it has one (it says more than "fix the file"), the
 * layer's otherwise. File paths are shown relative to `cwd`; null shows them whole (or `~/…`).
 */
export function configInvalidError(problems: ConfigProblem[], cwd?: string | null): FlotillaError {
  const first = problems[0];
  if (!first) throw new Error('configInvalidError needs at least one problem');
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new FlotillaError('CONFIG_INVALID', `${formatProblem(first, cwd)}${more}`, {
    hint: first.hint ?? layerHint(first),
    issues: problems.map((p) => ({ path: p.path, message: formatProblem(p, cwd) })),
  });
}
