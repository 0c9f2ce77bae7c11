/**
 * Log lines as the logs view holds them. The shape comes from the stream protocol's
 * `logs.lines` frame (itself src/domain/log.ts's LogLineSchema), so it needs no import of its own.
 */
import { LOG_LEVELS } from '../../../../src/domain/values.js';
import type { ServerMessage } from '../../api/types.js';

export { LOG_LEVELS };

export type LogLinesFrame = Extract<ServerMessage, { type: 'logs.lines' }>;
/** One line of the daemon's log or of an agent's pane. */
export type LogLine = LogLinesFrame['lines'][number];
export type LogLevel = LogLine['level'];

/** `GET /logs`: the last lines of one source, oldest first. */
export interface LogTail {
  source: string;
  lines: LogLine[];
}

/** A level's place in LOG_LEVELS (the zod-free list the server's schema is built from). */
export const LEVEL_RANK = Object.fromEntries(LOG_LEVELS.map((level, i) => [level, i])) as Record<
  LogLevel,
  number
>;

/** The daemon's own log; any other source is an agent id. */
export const DAEMON_SOURCE = 'daemon';

/** How many lines the view loads before following. */
export const TAIL_LINES = 5_000;
/** The most lines held in memory: past it the oldest go (and the view says so). */
export const MAX_LINES = 100_000;
