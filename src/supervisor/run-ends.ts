import type { RunEnd } from '../agents/run-end.js';
import type { RestartConfig } from './restart.js';
import type { AgentRuntime } from './runtime.js';

/**
 * What each agent's current launch said about how its run ended (the last RunEnd a stream
 * result or a StopFailure hook carried), and how many rate limits in a row it waited out with no
 * known reset. Kept beside the runtime (dropped with it), in memory: after a daemon restart the
 * stream is read again from its start and the last hook re-applied, which brings it back.
 */

interface RunState {
  generation: number;
  runEnd: RunEnd | null;
  /** Rate-limit waits in a row with no reset known: the backoff grows with it. */
  unknownResets: number;
}

const states = new WeakMap<AgentRuntime, RunState>();

function stateOf(rt: AgentRuntime): RunState {
  let s = states.get(rt);
  if (!s) {
    s = { generation: rt.generation, runEnd: null, unknownResets: 0 };
    states.set(rt, s);
  }
  // A relaunch starts a new run: the old one's end says nothing about it.
  if (s.generation !== rt.generation) {
    s.generation = rt.generation;
    s.runEnd = null;
  }
  return s;
}

export function recordRunEnd(rt: AgentRuntime, runEnd: RunEnd): void {
  const s = stateOf(rt);
  s.runEnd = runEnd;
  if (runEnd.outcome === 'success') s.unknownResets = 0;
}

export function runEndOf(rt: AgentRuntime): RunEnd | null {
  return stateOf(rt).runEnd;
}

/** Defaults of `restart.rate_limit` (config.restart may predate the key). */
const RATE_LIMIT_DEFAULT = { initial_ms: 60_000, max_ms: 900_000 };

/**
 * The wait before resuming a rate-limited agent whose reset is unknown (Claude Code says
 * "Request rejected (429)" and no time): `restart.rate_limit.initial_ms`, times
 * `restart.backoff.factor` for each such wait in a row, capped at `restart.rate_limit.max_ms`.
 */
export function rateLimitWait(rt: AgentRuntime, config: RestartConfig): number {
  const s = stateOf(rt);
  const { initial_ms, max_ms } = config.rate_limit ?? RATE_LIMIT_DEFAULT;
  const wait = Math.min(max_ms, initial_ms * config.backoff.factor ** s.unknownResets);
  s.unknownResets++;
  return Math.round(wait);
}
