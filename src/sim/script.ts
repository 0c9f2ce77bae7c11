import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FlotillaError } from '../domain/errors.js';

/**
 * The scripted model's script: plain JSON (so `flotilla demo` and tests can keep scripts in files),
 * validated here. A script holds conversations; each agent-loop request is answered by the next
 * step of the conversation it belongs to (see engine.ts for how a request finds its conversation).
 */

const JsonObjectSchema = z.record(z.string(), z.unknown());

/** One tool call the model makes: `{ name: 'Write', input: { file_path: '{{cwd}}/a.txt', content: 'a' } }`. */
export const SimToolCallSchema = z.strictObject({
  name: z.string().min(1),
  input: JsonObjectSchema.default({}),
});
export type SimToolCall = z.infer<typeof SimToolCallSchema>;

/** An HTTP error answer instead of a message, to exercise the agent's retry and rate-limit paths. */
export const SimErrorSchema = z.strictObject({
  status: z.number().int().min(400).max(599),
  /** Anthropic error type; defaults from the status (429 → rate_limit_error, 529 → overloaded_error…). */
  type: z.string().min(1).optional(),
  message: z.string().optional(),
  /** Seconds, sent as the `retry-after` header. */
  retryAfter: z.number().nonnegative().optional(),
  /** Extra response headers (e.g. `anthropic-ratelimit-unified-*`). */
  headers: z.record(z.string(), z.string()).optional(),
});
export type SimError = z.infer<typeof SimErrorSchema>;

/** Token counts to report instead of the estimate made from the request and reply sizes. */
export const SimUsageSchema = z.strictObject({
  input_tokens: z.number().int().nonnegative().optional(),
  output_tokens: z.number().int().nonnegative().optional(),
  cache_creation_input_tokens: z.number().int().nonnegative().optional(),
  cache_read_input_tokens: z.number().int().nonnegative().optional(),
});
export type SimUsage = z.infer<typeof SimUsageSchema>;

/**
 * One model turn. `text` and/or `tool`/`tools` make a message (stop_reason `tool_use` when it calls
 * a tool, else `end_turn`); `error` makes an HTTP error; `delayMs` holds the answer back first;
 * `times` repeats the step (an error retried N times by the agent).
 */
export const SimStepSchema = z
  .strictObject({
    text: z.string().optional(),
    tool: SimToolCallSchema.optional(),
    tools: z.array(SimToolCallSchema).min(1).optional(),
    error: SimErrorSchema.optional(),
    delayMs: z.number().int().nonnegative().max(600_000).optional(),
    times: z.number().int().positive().default(1),
    usage: SimUsageSchema.optional(),
  })
  .superRefine((step, ctx) => {
    const says = step.text !== undefined || step.tool !== undefined || step.tools !== undefined;
    if (step.error && says) {
      ctx.addIssue({
        code: 'custom',
        message: 'a step is either an error or a message (text/tool), not both',
      });
    }
    if (!step.error && !says) {
      ctx.addIssue({ code: 'custom', message: 'a step needs text, tool, tools or error' });
    }
    if (step.tool && step.tools) {
      ctx.addIssue({ code: 'custom', message: 'use either tool or tools, not both' });
    }
  });
export type SimStep = z.infer<typeof SimStepSchema>;
/** A step as written by hand (defaults not yet applied). */
export type SimStepInput = z.input<typeof SimStepSchema>;

/**
 * Other ways than the `[[sim:<name>]]` marker for a request to pick this conversation; every
 * criterion given must hold. `cwd` is the exact working directory, or, when relative, a trailing
 * part of it (`task-1-hello` matches `/x/worktrees/task-1-hello`).
 */
export const SimMatchSchema = z.strictObject({
  sessionId: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
  /** A substring of the first user prompt. */
  prompt: z.string().min(1).optional(),
});
export type SimMatch = z.infer<typeof SimMatchSchema>;

/** The steps one agent's conversation goes through, in order. */
export const SimConversationSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, _ . - only (it appears in the [[sim:<name>]] marker)')
    .max(100),
  match: SimMatchSchema.optional(),
  steps: z.array(SimStepSchema),
});
export type SimConversation = z.infer<typeof SimConversationSchema>;
export type SimConversationInput = z.input<typeof SimConversationSchema>;

/** Placeholders a step may use in any of its strings, resolved per request. */
export const SIM_PLACEHOLDERS = ['cwd', 'sessionId', 'conversation', 'step'] as const;
export const PLACEHOLDER_PATTERN = /\{\{(\w+)\}\}/g;

function unknownPlaceholders(value: unknown): string[] {
  if (typeof value === 'string') {
    return [...value.matchAll(PLACEHOLDER_PATTERN)]
      .map((m) => m[1] ?? '')
      .filter((n) => !(SIM_PLACEHOLDERS as readonly string[]).includes(n));
  }
  if (Array.isArray(value)) return value.flatMap(unknownPlaceholders);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(unknownPlaceholders);
  return [];
}

export const DEFAULT_FALLBACK_TEXT = 'OK.';
export const DEFAULT_EXHAUSTED_TEXT = 'Nothing more to do.';
export const DEFAULT_UNMATCHED_TEXT = 'No script matches this conversation.';

/** A whole script. A conversation named `default` answers agent-loop requests no other one claims. */
export const SimScriptSchema = z.strictObject({
  conversations: z.array(SimConversationSchema).default([]),
  /** Model name reported in replies; default: the model the request asked for. */
  model: z.string().min(1).optional(),
  /** Answer to requests outside the agent loop (titles, bash-prefix checks, warmups). */
  fallbackText: z.string().default(DEFAULT_FALLBACK_TEXT),
  /** Answer once a conversation has run out of steps. */
  exhaustedText: z.string().default(DEFAULT_EXHAUSTED_TEXT),
  /** Answer to an agent-loop request that no conversation claims. */
  unmatchedText: z.string().default(DEFAULT_UNMATCHED_TEXT),
});
export type SimScript = z.infer<typeof SimScriptSchema>;
/** A script as written by hand or in a JSON file (defaults not yet applied). */
export type SimScriptInput = z.input<typeof SimScriptSchema>;

/** Validate a script object; a bad one fails with every problem located by its key path. */
export function parseSimScript(input: unknown, source = 'sim script'): SimScript {
  const parsed = SimScriptSchema.safeParse(input);
  if (parsed.success) {
    const names = new Set<string>();
    for (const c of parsed.data.conversations) {
      if (names.has(c.name)) {
        throw new FlotillaError('INVALID_INPUT', `${source}: conversation '${c.name}' is declared twice`, {
          hint: 'give every conversation a unique name',
        });
      }
      names.add(c.name);
      const unknown = unknownPlaceholders(c.steps);
      if (unknown.length > 0) {
        throw new FlotillaError(
          'INVALID_INPUT',
          `${source}: conversation '${c.name}' uses unknown placeholder {{${unknown[0]}}}`,
          { hint: `known placeholders: ${SIM_PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')}` },
        );
      }
    }
    return parsed.data;
  }
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  throw new FlotillaError(
    'INVALID_INPUT',
    `${source} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    {
      issues,
      hint: 'see docs/dev/claude-code-driving.md for the script format',
    },
  );
}

/** Read and validate a JSON script file. */
export async function loadSimScript(path: string): Promise<SimScript> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new FlotillaError('NOT_FOUND', `cannot read sim script ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `sim script ${path} is not valid JSON: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return parseSimScript(json, `sim script ${path}`);
}
