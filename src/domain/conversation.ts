/**
 * An agent's conversation as people read it: what it was asked, what it said, the tools it
 * called (with their input) and what they returned, errors, and where each turn ended with what
 * it cost. Read from the agent's own records (Claude Code's transcript JSONL, or its stream-json
 * output when headless) by a parser per source; shared by the API, the CLI and the dashboard.
 */
import { z } from 'zod';
import { cleanText } from './text.js';

/** What an entry is. */
export const CONVERSATION_KINDS = [
  /** The user's (or Flotilla's) message to the agent. */
  'prompt',
  /** Text the assistant wrote. */
  'text',
  /** A tool call the assistant made, with its input. */
  'tool_call',
  /** What a tool call returned (`isError` when it failed or was refused). */
  'tool_result',
  /** Something went wrong: an API error, a retry, a failed turn. */
  'error',
  /** A turn ended: how long it took, and its token usage when the source says. */
  'turn_end',
  /** A session started or resumed (model, working directory). */
  'session',
] as const;
export const ConversationKindSchema = z.enum(CONVERSATION_KINDS);
export type ConversationKind = z.infer<typeof ConversationKindSchema>;

export const ConversationRoleSchema = z.enum(['user', 'assistant', 'tool', 'system']);
export type ConversationRole = z.infer<typeof ConversationRoleSchema>;

/** Tokens (and dollars, when the agent reports them) of a turn. */
export const ConversationUsageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadTokens: z.number().int().min(0).optional(),
  cacheWriteTokens: z.number().int().min(0).optional(),
  costUsd: z.number().min(0).optional(),
});
export type ConversationUsage = z.infer<typeof ConversationUsageSchema>;

/** Longest `text` an entry carries; longer text is cut there and `fullChars` says how long it was. */
export const CONVERSATION_TEXT_MAX = 64 * 1024;

/** One entry, as a parser makes it (no position yet). */
export const ConversationEntryDraftSchema = z.object({
  kind: ConversationKindSchema,
  role: ConversationRoleSchema,
  /** ISO 8601 when the source records it (transcripts do, stream-json does not). */
  ts: z.string().nullable(),
  /**
   * The readable content: the prompt, the assistant's text, a one-line summary of a tool call,
   * a tool's output, an error message, or a turn's summary. Never holds control characters
   * other than newlines and tabs.
   */
  text: z.string(),
  /** Length of the text before it was cut at CONVERSATION_TEXT_MAX (absent: not cut). */
  fullChars: z.number().int().min(0).optional(),
  /** `tool_call`: the tool's name. `tool_result`: the name of the tool that produced it, when known. */
  tool: z.string().optional(),
  /** `tool_call`: the input as the model sent it. */
  input: z.unknown().optional(),
  /** `tool_call` / `tool_result`: the id that pairs them. */
  toolUseId: z.string().optional(),
  /** `tool_result`: the call failed or was refused. */
  isError: z.boolean().optional(),
  /** `turn_end`: the turn's token usage. */
  usage: ConversationUsageSchema.optional(),
  /** `turn_end`: how long the turn took. */
  durationMs: z.number().min(0).optional(),
  /** `session`, `text`: the model that answered. */
  model: z.string().optional(),
});
export type ConversationEntryDraft = z.infer<typeof ConversationEntryDraftSchema>;

/** One entry with its place in the conversation. */
export const ConversationEntrySchema = ConversationEntryDraftSchema.extend({
  /** 0, 1, 2, …: the entry's position; `after=` takes the last one a client has. */
  seq: z.number().int().min(0),
});
export type ConversationEntry = z.infer<typeof ConversationEntrySchema>;

/** Where a conversation is read from. */
export const ConversationSourceSchema = z.enum(['transcript', 'stream', 'none']);
export type ConversationSource = z.infer<typeof ConversationSourceSchema>;

/** A page of an agent's conversation. */
export const ConversationPageSchema = z.object({
  agentId: z.string(),
  /**
   * `transcript` (an interactive Claude Code's JSONL), `stream` (a headless agent's
   * stream-json lines) or `none`: this agent's adapter keeps no conversation Flotilla can read
   * (`note` says so; its raw terminal output is in the logs).
   */
  source: ConversationSourceSchema,
  /** The file read (absent when there is none yet). */
  file: z.string().optional(),
  entries: z.array(ConversationEntrySchema),
  /** How many entries the conversation has in all (the next one will have this seq). */
  total: z.number().int().min(0),
  /** Why there is nothing to show, when there is not. */
  note: z.string().optional(),
});
export type ConversationPage = z.infer<typeof ConversationPageSchema>;

/** `text` cleaned and cut at CONVERSATION_TEXT_MAX, with `fullChars` when it was cut. */
export function boundedText(text: string): { text: string; fullChars?: number } {
  const clean = cleanText(text);
  if (clean.length <= CONVERSATION_TEXT_MAX) return { text: clean };
  return { text: clean.slice(0, CONVERSATION_TEXT_MAX), fullChars: clean.length };
}
