/**
 * Safe readers for untyped JSON (hook payloads, stream lines). Agents change their payloads
 * between versions; a field of the wrong type reads as absent instead of throwing.
 */

/** A plain JSON object, or null for anything else (arrays, primitives, null). */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

export function str(obj: Record<string, unknown> | null, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(obj: Record<string, unknown> | null, key: string): number | undefined {
  const v = obj?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function rec(obj: Record<string, unknown> | null, key: string): Record<string, unknown> | null {
  return asRecord(obj?.[key]);
}

export function arr(obj: Record<string, unknown> | null, key: string): unknown[] {
  const v = obj?.[key];
  return Array.isArray(v) ? v : [];
}

/** Parse one line of JSON into an object; null for blank, malformed or non-object lines. */
export function parseJsonLine(line: string): Record<string, unknown> | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return null;
  }
}

/** One line of at most `max` characters, for status details ("Bash: git commit -m …"). */
export function shorten(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
