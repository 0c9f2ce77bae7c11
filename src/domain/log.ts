/**
 * Log lines as the API and the dashboard carry them, from either source: the daemon's own log
 * (pino JSON lines) or one agent's pane log (what its terminal printed, escapes removed).
 */
import { z } from 'zod';
import { LOG_LEVELS } from './values.js';

export { LOG_LEVELS };
export const LogLevelSchema = z.enum(LOG_LEVELS);
export type LogLevelName = z.infer<typeof LogLevelSchema>;

/** The daemon's own log; any other source is an agent id. */
export const DAEMON_LOG_SOURCE = 'daemon';

/** `daemon`, or an agent id (a unique prefix is accepted in requests; answers carry the full id). */
export const LogSourceSchema = z.string().min(1).max(64);

/** One line of a log. */
export const LogLineSchema = z.object({
  /**
   * Orders the lines of one source: the byte offset of the line in its file, so it only grows
   * while the file does (a log rotated at daemon start, or a truncated pane log, starts again).
   * A gap between two lines a client received means lines it did not get.
   */
  seq: z.number().int().min(0),
  /** ISO 8601 when the source records it (the daemon log); null for pane output. */
  ts: z.string().nullable(),
  level: LogLevelSchema,
  /** `daemon` or the agent's full id. */
  source: LogSourceSchema,
  /** The agent the line is about: the pane's agent, or a daemon line's `agentId` field. */
  agentId: z.string().nullable(),
  msg: z.string(),
});
export type LogLine = z.infer<typeof LogLineSchema>;
