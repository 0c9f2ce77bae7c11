import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DAEMON_LOG_SOURCE, LogLineSchema, LogSourceSchema } from '../../domain/log.js';
import { defineRoute } from '../define.js';
import type { LogSources } from '../logs/sources.js';

export const LogsQuery = z
  .object({
    source: LogSourceSchema.default(DAEMON_LOG_SOURCE).describe(
      "'daemon' (the daemon's own log) or an agent id or unique prefix (its pane output)",
    ),
    tail: z.coerce.number().int().min(1).max(100_000).default(1000).describe('How many of the last lines'),
  })
  .strict();

/** `{source, lines}`: the last lines of one log, oldest first. */
export const LogTailSchema = z.object({
  /** `daemon` or the agent's full id. */
  source: z.string(),
  lines: z.array(LogLineSchema),
});

/** The logs: the last lines of the daemon's log or of an agent's pane (live lines come over the stream). */
export function logRoutes(sources: LogSources) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/logs',
      summary: "The last lines of the daemon's log or of an agent's pane output, as log lines",
      description:
        'Follow new lines over the stream with `logs.follow`. Reads at most the last 32 MiB of the file; blank pane lines are left out.',
      tags: ['logs'],
      query: LogsQuery,
      response: { 200: LogTailSchema },
      handler: async ({ query }) => sources.tail(query.source, query.tail),
    });
  };
}
