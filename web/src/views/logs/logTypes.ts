/**
 * Log lines as the logs view holds them. The shape comes from the stream protocol's
 * `logs.lines` frame (itself src/domain/log.ts's LogLineSchema), so it needs no import of its own.
 */
import type { ServerMessage } from '../../api/types.js';

export type LogLinesFrame = Extract<ServerMessage, { type: 'logs.lines' }>;
/** One line of the daemon's log or of an agent's pane. */
export type LogLine = LogLinesFrame['lines'][number];
export type LogLevel = LogLine['level'];

/** `GET /logs`: the last lines of one source, oldest first. */
export interface LogTail {
  source: string;
  lines: LogLine[];
}

/**
 * Least severe first, as src/domain/log.ts's LOG_LEVELS (which cannot be imported at runtime:
 * it pulls in zod). `satisfies` plus the check below keep the two lists equal.
 */
export const LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
] as const satisfies readonly LogLevel[];
type Missing = Exclude<LogLevel, (typeof LOG_LEVELS)[number]>;
const everyLevelListed: Missing extends never ? true : false = true;
void everyLevelListed;

export const LEVEL_RANK: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

/** The daemon's own log; any other source is an agent id. */
export const DAEMON_SOURCE = 'daemon';

/** How many lines the view loads before following. */
export const TAIL_LINES = 5_000;
/** The most lines held in memory: past it the oldest go (and the view says so). */
export const MAX_LINES = 100_000;
