import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AGENT_FILES } from '../agents/agent-dir.js';

/**
 * A hook that could not write its event whole (a full disk) must not fail the agent, so it only
 * leaves a marker file next to the events file; the daemon reads it here and makes it visible.
 */

/** A failed hook write as the daemon reports it. */
export interface WriteFailure {
  /** When the marker was last written (ms since the epoch). */
  at: number;
  /** One line for the user: what was lost, why, what to do. */
  message: string;
}

/** Error codes that mean "no room": a short write is what a full disk does mid-line. */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'SHORT_WRITE']);

/** The marker next to `eventsFile`, read but left in place; null when there is none. */
export function readWriteFailure(eventsFile: string, agentId: string): WriteFailure | null {
  const path = join(dirname(eventsFile), AGENT_FILES.writeFailed);
  // Checked every tick for every agent, and almost never there: no exception for a missing file.
  let at: number | undefined;
  try {
    at = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
  } catch {}
  if (at === undefined) return null;
  let event: unknown;
  let code: unknown;
  try {
    ({ event, code } = JSON.parse(readFileSync(path, 'utf8')) as { event?: unknown; code?: unknown });
  } catch {}
  const reason =
    typeof code !== 'string'
      ? 'disk full, most likely (not even the reason fitted)'
      : NO_ROOM.has(code)
        ? `disk full (${code})`
        : code === 'WRITE_FAILED'
          ? 'the sh hook could not write it nor start `flotilla hook` (a full disk, most likely)'
          : `error ${code}`;
  const what = typeof event === 'string' ? `hook event ${event}` : 'a hook event';
  return {
    at,
    message:
      `${what} of agent ${agentId} could not be written to ${eventsFile}: ${reason}; ` +
      'its status may lag until there is room again: free space on that disk',
  };
}

/** Removes the marker once its failure is on record. */
export function clearWriteFailure(eventsFile: string): void {
  try {
    unlinkSync(join(dirname(eventsFile), AGENT_FILES.writeFailed));
  } catch {}
}
