import type { z } from 'zod';
import { FlotillaError } from '../domain/errors.js';
import type { Schemas } from './lazy.js';

/**
 * Validates input at the store's boundary; bad input becomes INVALID_INPUT naming each bad field,
 * before anything is written.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new FlotillaError('INVALID_INPUT', `invalid ${what}: ${summary}`, { issues });
}

/**
 * Rows are mapped to domain objects by hand (`task list` maps thousands on every CLI call). In
 * development and tests (NODE_ENV, or FLOTILLA_CHECK_ROWS=1) each mapped object is also checked
 * against its domain schema, so mappers and schemas cannot drift apart unnoticed.
 */
const CHECK_ROWS =
  process.env.FLOTILLA_CHECK_ROWS === '1' ||
  process.env.NODE_ENV === 'test' ||
  process.env.NODE_ENV === 'development';

let rowSchemas: Schemas['ROW_SCHEMAS'] | undefined;
let eventData: Schemas['EVENT_DATA_SCHEMAS'] | undefined;
const reportedPayloads = new Set<string>();

/** Loads the row schemas when row checks are on; `openStore` awaits it. */
export async function prepareRowChecks(): Promise<void> {
  if (CHECK_ROWS && !rowSchemas)
    ({ ROW_SCHEMAS: rowSchemas, EVENT_DATA_SCHEMAS: eventData } = await import('./schemas.js'));
}

/**
 * Checks an event's payload against its type's schema when row checks are on. A write that does
 * not match is refused (the code drifted from its schema: a bug). A row read that does not match
 * was written by another Flotilla (older, or a type this one does not know): it is kept as it is
 * and reported once per type, since the log is history and a reader must still get it.
 */
export function checkEventData(event: { type: string; data: unknown }, how: 'read' | 'write'): void {
  if (!eventData) return;
  const schema = (eventData as Record<string, z.ZodType | undefined>)[event.type];
  const result = schema?.safeParse(event.data);
  if (result?.success) return;
  const problems = result
    ? result.error.issues.map((i) => `${i.path.map(String).join('.') || '(data)'}: ${i.message}`).join('; ')
    : 'no such event type here';
  if (how === 'write') {
    throw new FlotillaError('INVALID_INPUT', `invalid ${event.type} event data: ${problems}`);
  }
  if (reportedPayloads.has(event.type)) return;
  reportedPayloads.add(event.type);
  process.emitWarning(
    `an ${event.type} event in the log does not match its schema (kept as written): ${problems}`,
  );
}

/** Returns `value`, after checking it against its table's domain schema when row checks are on. */
export function checkRow<T>(table: keyof Schemas['ROW_SCHEMAS'], value: T, id: string | number): T {
  if (!rowSchemas) return value;
  const result = rowSchemas[table].safeParse(value);
  if (result.success) return value;
  const problems = result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
  throw new FlotillaError('DB_ERROR', `row ${id} of ${table} does not match its schema: ${problems}`, {
    hint: 'the database was edited by hand or by an incompatible Flotilla',
  });
}

/** JSON columns hold values the store wrote itself; a parse failure means the file was tampered with. */
export function parseJsonColumn<T>(text: string, column: string, id: string | number): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new FlotillaError('DB_ERROR', `column ${column} of row ${id} holds invalid JSON`, {
      hint: 'the database was edited by hand or is damaged; restore it from a backup',
      cause: err,
    });
  }
}
