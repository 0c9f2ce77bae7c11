import { arr, asRecord, num, rec, shorten, str } from '../json.js';
import { apiStatusInText, apiStatusOutcome, type RunEnd } from '../run-end.js';
import { toolSummary } from './tool-summary.js';
import { detectClaudeUsageLimit } from './usage-limit.js';

/**
 * How a Claude Code run ended, from everything it reports (real captures of 2.1.197 and 2.1.332
 * against the scripted model are in test/fixtures/claude-code/):
 *
 * - the stream-json `result` line: `is_error`, `api_error_status` (400, 429…; 2.1.332 adds
 *   `api_error_type`), `terminal_reason` (`api_error` in 2.1.332, `completed` in 2.1.197 even
 *   after an API error), `permission_denials`, and `result` ("API Error: 400 …", "API Error:
 *   Request rejected (429) · …"). `subtype` stays "success" after an API error.
 * - the StopFailure hook's `error`: `rate_limit`, `invalid_request`, and `unknown` for a 400 in
 *   2.1.197; its `last_assistant_message` carries the same "API Error: …" text.
 * - usage-limit texts with their reset ("… resets 4am", "limit reached|<epoch>").
 */

/** A run that failed on the API, from the StopFailure `error` name and the error text. */
export function claudeRunEnd(error: string, text: string, now: Date): RunEnd {
  const reason = shorten(text.trim() === '' ? `API error (${error})` : text.trim(), 300);
  const resumeAt = detectClaudeUsageLimit(text, now);
  if (resumeAt) return { outcome: 'rate_limited', reason, resumeAt };
  if (error === 'rate_limit' || error === 'overloaded') return { outcome: 'rate_limited', reason };
  const status = apiStatusInText(text);
  if (status !== null) return { outcome: apiStatusOutcome(status), reason };
  if (/^(?:invalid_request|authentication_failed|billing_error|permission_error|not_found)/.test(error)) {
    return { outcome: 'api_error', reason };
  }
  return { outcome: 'error', reason };
}

/** The stream-json `result` line as a run end. */
export function runEndOfResult(obj: Record<string, unknown>, now: Date): RunEnd {
  const text = str(obj, 'result') ?? '';
  const denials = arr(obj, 'permission_denials').map(asRecord);
  if (obj.is_error === true) {
    const status = num(obj, 'api_error_status');
    const resumeAt = detectClaudeUsageLimit(text, now);
    const reason = shorten(
      text.trim() === ''
        ? `run failed (${str(obj, 'terminal_reason') ?? str(obj, 'subtype') ?? 'error'})`
        : text.trim(),
      300,
    );
    if (resumeAt) return { outcome: 'rate_limited', reason, resumeAt };
    const fromStatus = status ?? apiStatusInText(text);
    if (fromStatus !== null) return { outcome: apiStatusOutcome(fromStatus), reason };
    return { outcome: 'error', reason };
  }
  if (denials.length > 0) {
    const calls = [
      ...new Set(
        denials.map((d) => toolSummary({ tool_name: str(d, 'tool_name'), tool_input: rec(d, 'tool_input') })),
      ),
    ];
    return {
      outcome: 'denied',
      reason: shorten(
        `${denials.length} tool call${denials.length === 1 ? ' was' : 's were'} denied (${calls.join('; ')}): a headless run cannot ask; allow them with agents.<name>.permissions or permission_mode`,
        300,
      ),
    };
  }
  return { outcome: 'success', reason: `run finished (${num(obj, 'num_turns') ?? '?'} turns)` };
}

/** A `system/api_retry` line: Claude Code waits and tries again by itself. */
export interface ClaudeRetry {
  status: number | null;
  error: string;
  delayMs: number | null;
  attempt: number | null;
  max: number | null;
  /** A 429 or 529: the wait is a rate limit or an overload. */
  limited: boolean;
}

export function retryOfLine(obj: Record<string, unknown>): ClaudeRetry {
  const status = num(obj, 'error_status') ?? null;
  const error = str(obj, 'error') ?? 'error';
  return {
    status,
    error,
    delayMs: num(obj, 'retry_delay_ms') ?? null,
    attempt: num(obj, 'attempt') ?? null,
    max: num(obj, 'max_retries') ?? null,
    limited: status === 429 || status === 529 || error === 'rate_limit' || error === 'overloaded',
  };
}

/** "Retrying in 29s · attempt 1/10" on the TUI's spinner line (2.1.197: `✻ API error · Retrying in 29s · attempt 1/10`). */
export function retryOnScreen(line: string): { inSeconds: number; attempt: number; max: number } | null {
  const m = /Retrying in (\d+)\s*s\b[^\n]*?attempt (\d+)\s*\/\s*(\d+)/i.exec(line);
  if (!m) return null;
  return { inSeconds: Number(m[1]), attempt: Number(m[2]), max: Number(m[3]) };
}
