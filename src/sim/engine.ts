import { randomBytes } from 'node:crypto';
import { FlotillaError } from '../domain/errors.js';
import type { ParsedMessagesRequest } from './request.js';
import {
  PLACEHOLDER_PATTERN,
  parseSimScript,
  type SimConversation,
  type SimConversationInput,
  type SimScript,
  type SimStep,
  type SimUsage,
} from './script.js';

/**
 * The script engine: picks the conversation a request belongs to, keeps one cursor per agent in
 * it, and turns the next step into a reply. Pure apart from its cursors and random ids, so it is
 * unit-testable without HTTP.
 *
 * Conversation keying, in order: a `[[sim:<name>]]` marker in the user's text; the first
 * conversation whose `match` criteria all hold (session id, working directory, prompt text); the
 * conversation named `default`. The cursor is per (conversation, agent): the agent is Claude
 * Code's session id when the request carries one, else the working directory. So several agents
 * can share one script (each walks it from the start), and `--resume` (same session id) continues
 * where the killed run stopped.
 */

/** A content block of a scripted assistant message, as the Messages API returns it. */
export type SimContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** Token counts reported in a reply. */
export interface SimReplyUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** What the server sends back for one request. */
export type SimReply =
  | {
      kind: 'message';
      id: string;
      model: string;
      content: SimContentBlock[];
      stopReason: 'end_turn' | 'tool_use';
      usage: SimReplyUsage;
      delayMs: number;
    }
  | {
      kind: 'error';
      status: number;
      type: string;
      message: string;
      headers: Record<string, string>;
      delayMs: number;
    };

/** Why a request got the reply it got. */
export type SimOutcome = 'step' | 'exhausted' | 'unmatched' | 'fallback';

/** The engine's answer to one request, with what the request log needs to know about it. */
export interface SimDecision {
  reply: SimReply;
  outcome: SimOutcome;
  /** `<conversation name>@<session id or cwd>`; null for side requests and unmatched ones. */
  conversation: string | null;
  /** Index of the step answered, when `outcome` is `step`. */
  step: number | null;
}

interface Cursor {
  conversation: SimConversation;
  index: number;
  /** How many times the current step has been used (for `times`). */
  used: number;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export const simId = (prefix: string): string => `${prefix}_sim_${randomBytes(12).toString('hex')}`;

const estimateTokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

/** Replace `{{name}}` in every string of a JSON value; unknown or unavailable ones stay as written. */
export function resolvePlaceholders<T>(value: T, vars: Record<string, string | null>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string')
      return v.replace(PLACEHOLDER_PATTERN, (all, name: string) => vars[name] ?? all);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

function cwdMatches(pattern: string, cwd: string | null): boolean {
  if (cwd === null) return false;
  if (pattern.startsWith('/')) return cwd.replace(/\/+$/, '') === pattern.replace(/\/+$/, '');
  return cwd === pattern || cwd.endsWith(`/${pattern.replace(/^\/+|\/+$/g, '')}`);
}

function matches(c: SimConversation, req: ParsedMessagesRequest): boolean {
  const m = c.match;
  if (!m) return false;
  if (m.sessionId !== undefined && m.sessionId !== req.sessionId) return false;
  if (m.cwd !== undefined && !cwdMatches(m.cwd, req.cwd)) return false;
  if (m.prompt !== undefined && !req.firstUserText.includes(m.prompt)) return false;
  return true;
}

/** Holds the script and one cursor per agent conversation. */
export class SimEngine {
  private readonly conversations: SimConversation[];
  private readonly cursors = new Map<string, Cursor>();

  constructor(private readonly script: SimScript) {
    this.conversations = [...script.conversations];
  }

  /** Add a conversation while running (e.g. once the demo knows an agent's session id). */
  addConversation(input: SimConversationInput): void {
    const [conversation] = parseSimScript({ conversations: [input] }, 'sim conversation').conversations;
    if (!conversation) return;
    if (this.conversations.some((c) => c.name === conversation.name)) {
      throw new FlotillaError('CONFLICT', `sim conversation '${conversation.name}' already exists`);
    }
    this.conversations.push(conversation);
  }

  /** Which conversation a request belongs to, or null. */
  findConversation(req: ParsedMessagesRequest): SimConversation | null {
    if (req.marker !== null) {
      const named = this.conversations.find((c) => c.name === req.marker);
      if (named) return named;
    }
    return (
      this.conversations.find((c) => matches(c, req)) ??
      this.conversations.find((c) => c.name === 'default') ??
      null
    );
  }

  decide(req: ParsedMessagesRequest): SimDecision {
    const model = this.script.model ?? req.model;
    if (!req.agentLoop) {
      return {
        reply: this.message(req, model, [textBlock(this.script.fallbackText)], 0),
        outcome: 'fallback',
        conversation: null,
        step: null,
      };
    }
    const conversation = this.findConversation(req);
    if (!conversation) {
      return {
        reply: this.message(req, model, [textBlock(this.script.unmatchedText)], 0),
        outcome: 'unmatched',
        conversation: null,
        step: null,
      };
    }
    const key = `${conversation.name}@${req.sessionId ?? req.cwd ?? 'anonymous'}`;
    let cursor = this.cursors.get(key);
    if (!cursor) {
      cursor = { conversation, index: 0, used: 0 };
      this.cursors.set(key, cursor);
    }
    const step = conversation.steps[cursor.index];
    if (!step) {
      return {
        reply: this.message(req, model, [textBlock(this.script.exhaustedText)], 0),
        outcome: 'exhausted',
        conversation: key,
        step: null,
      };
    }
    const index = cursor.index;
    cursor.used += 1;
    if (cursor.used >= step.times) {
      cursor.index += 1;
      cursor.used = 0;
    }
    const vars = {
      cwd: req.cwd,
      sessionId: req.sessionId,
      conversation: conversation.name,
      step: String(index + 1),
    };
    return {
      reply: this.stepReply(req, model, resolvePlaceholders(step, vars)),
      outcome: 'step',
      conversation: key,
      step: index,
    };
  }

  private stepReply(req: ParsedMessagesRequest, model: string, step: SimStep): SimReply {
    const delayMs = step.delayMs ?? 0;
    if (step.error) {
      const e = step.error;
      const headers: Record<string, string> = { ...(e.headers ?? {}) };
      if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
      return {
        kind: 'error',
        status: e.status,
        type: e.type ?? ERROR_TYPES[e.status] ?? (e.status >= 500 ? 'api_error' : 'invalid_request_error'),
        message: e.message ?? `Simulated error ${e.status}`,
        headers,
        delayMs,
      };
    }
    const content: SimContentBlock[] = [];
    if (step.text !== undefined && step.text !== '') content.push(textBlock(step.text));
    for (const t of step.tools ?? (step.tool ? [step.tool] : [])) {
      content.push({ type: 'tool_use', id: simId('toolu'), name: t.name, input: t.input });
    }
    // An empty text is still a valid (if terse) final answer.
    if (content.length === 0) content.push(textBlock(''));
    return this.message(req, model, content, delayMs, step.usage);
  }

  private message(
    req: ParsedMessagesRequest,
    model: string,
    content: SimContentBlock[],
    delayMs: number,
    usage?: SimUsage,
  ): Extract<SimReply, { kind: 'message' }> {
    const outChars = JSON.stringify(content).length;
    return {
      kind: 'message',
      id: simId('msg'),
      model,
      content,
      stopReason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
      usage: {
        input_tokens: usage?.input_tokens ?? estimateTokens(req.size),
        output_tokens: usage?.output_tokens ?? estimateTokens(outChars),
        cache_creation_input_tokens: usage?.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: usage?.cache_read_input_tokens ?? 0,
      },
      delayMs,
    };
  }
}

function textBlock(text: string): SimContentBlock {
  return { type: 'text', text };
}
