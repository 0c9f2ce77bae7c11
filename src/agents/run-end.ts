/**
 * How an agent's run ended, as the agent itself reported it (Claude Code's stream-json `result`
 * line, its StopFailure hook), so the supervisor can tell a finished task from a run that only
 * exited cleanly. Pure data: the supervisor decides what each outcome does.
 *
 * - `success`: the run says it did the work (no error, no denied tool call).
 * - `denied`: it finished, but tool calls it needed were denied (headless runs cannot ask).
 * - `rate_limited`: the API refused for a rate limit, usage limit or overload, and the agent
 *   gave up retrying; resume at `resumeAt` when known.
 * - `api_error`: a request the API will refuse again (400, 401, 403, 404, 413…): a restart
 *   would send it again, so the agent is not restarted.
 * - `error`: any other failed run (a 5xx after retries, max turns, an execution error).
 */
export type RunOutcome = 'success' | 'denied' | 'rate_limited' | 'api_error' | 'error';

export interface RunEnd {
  outcome: RunOutcome;
  /** One line for the user: the API error text, the denied calls, the failure. */
  reason: string;
  /** A rate limit's reset, when the agent said it. */
  resumeAt?: Date;
}

/** HTTP statuses of requests the API refuses again whatever the wait. */
const FATAL_STATUSES = new Set([400, 401, 402, 403, 404, 405, 413, 415, 422]);

/** What an HTTP status of a failed API call means for the run. */
export function apiStatusOutcome(status: number): 'rate_limited' | 'api_error' | 'error' {
  if (status === 429 || status === 529) return 'rate_limited';
  if (FATAL_STATUSES.has(status)) return 'api_error';
  return 'error';
}

/** "API Error: 400 …", "API Error: Request rejected (429) · …": the status in Claude Code's error text. */
export function apiStatusInText(text: string): number | null {
  const m = /API Error:\s*(?:(\d{3})\b|[^\n]*?\((\d{3})\))/i.exec(text);
  const s = m?.[1] ?? m?.[2];
  return s === undefined ? null : Number(s);
}
