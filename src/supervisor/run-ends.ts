import type { RunEnd } from '../agents/run-end.js';
import type { RestartConfig } from './restart.js';
import type { AgentRuntime } from './runtime.js';

/**
 * How each agent's current launch ended (the last RunEnd a stream result or a StopFailure hook
 * carried), kept on its run state (state/run.ts), and how many rate limits in a row it waited
 * out with no known reset. In memory: after a daemon restart the stream is read again from its
 * start and the last hook re-applied, which brings it back.
 */

export function recordRunEnd(rt: AgentRuntime, runEnd: RunEnd): void {
  rt.run.ended(runEnd);
}

export function runEndOf(rt: AgentRuntime): RunEnd | null {
  return rt.run.runEnd;
}

/** Defaults of `restart.rate_limit` (config.restart may predate the key). */
const RATE_LIMIT_DEFAULT = { initial_ms: 60_000, max_ms: 900_000 };

/**
 * The wait before resuming a rate-limited agent whose reset is unknown (Claude Code says
 * "Request rejected (429)" and no time): `restart.rate_limit.initial_ms`, times
 * `restart.backoff.factor` for each such wait in a row, capped at `restart.rate_limit.max_ms`.
 */
export function rateLimitWait(rt: AgentRuntime, config: RestartConfig): number {
  const { initial_ms, max_ms } = config.rate_limit ?? RATE_LIMIT_DEFAULT;
  const wait = Math.min(max_ms, initial_ms * config.backoff.factor ** rt.run.unknownReset());
  return Math.round(wait);
}
