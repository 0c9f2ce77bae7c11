import type { z } from 'zod';
import { type ErrorIssue, FlotillaError } from '../domain/errors.js';

/**
 * Request input checked against the same zod schemas the domain declares. A failure is an
 * INVALID_INPUT FlotillaError listing every problem by field path, so the client (CLI or web)
 * can point at the field; nothing is changed.
 */

/** `['tasks', 0, 'title']` → `tasks[0].title`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function zodIssues(issues: readonly z.core.$ZodIssue[]): ErrorIssue[] {
  return issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
}

/** Parses `value` (a request body, query or params) or throws INVALID_INPUT naming each bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssues(result.error.issues);
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const where = first?.path ? `${first.path}: ` : '';
  throw new FlotillaError('INVALID_INPUT', `invalid ${what}: ${where}${first?.message ?? 'invalid'}${more}`, {
    issues,
  });
}

/** Parses a request body; see `parseInput`. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return parseInput(schema, body ?? {}, 'request body');
}
