/**
 * Which file a log source names and how its lines read: `daemon` is the daemon's pino log,
 * anything else an agent id (or unique prefix) whose pane log is read. Shared by the REST tail
 * and the stream's live follow, so both resolve and parse a source the same way.
 */

import { stat } from 'node:fs/promises';
import { FlotillaError } from '../../domain/errors.js';
import type { LogLine } from '../../domain/log.js';
import { DAEMON_LOG_SOURCE } from '../../domain/log.js';
import { parseAgentLine, parseDaemonLine } from './parse.js';
import { type LineParser, lineStartBefore, tailLines } from './read.js';

/** A source resolved to its file. */
export interface ResolvedLogSource {
  /** `daemon` or the agent's full id. */
  source: string;
  file: string;
  parse: LineParser;
}

/** Where the logs are; the agent lookup accepts a unique prefix. */
export interface LogSourcesOptions {
  daemonLogFile: string;
  /** The pane log of an agent (by full id). */
  agentLogFile(agentId: string): string;
  /** The full id of the agent `idOrPrefix` names; throws NOT_FOUND (or AMBIGUOUS_ID). */
  resolveAgent(idOrPrefix: string): Promise<string>;
}

export class LogSources {
  constructor(private readonly opts: LogSourcesOptions) {}

  async resolve(source: string): Promise<ResolvedLogSource> {
    if (source === DAEMON_LOG_SOURCE) {
      return { source, file: this.opts.daemonLogFile, parse: parseDaemonLine };
    }
    let agentId: string;
    try {
      agentId = await this.opts.resolveAgent(source);
    } catch (err) {
      // A malformed id is as unknown as a missing one: both say which sources exist.
      if (err instanceof FlotillaError && err.code === 'AMBIGUOUS_ID') throw err;
      throw new FlotillaError('NOT_FOUND', `no log source '${source}'`, {
        hint: "a log source is 'daemon' or an agent id (or a unique prefix of one): list agents with `flotilla ps`",
      });
    }
    return {
      source: agentId,
      file: this.opts.agentLogFile(agentId),
      parse: (raw, seq) => parseAgentLine(raw, seq, agentId),
    };
  }

  /** The last `count` lines of a source, oldest first. */
  async tail(source: string, count: number): Promise<{ source: string; lines: LogLine[] }> {
    const resolved = await this.resolve(source);
    return { source: resolved.source, lines: await tailLines(resolved.file, count, resolved.parse) };
  }

  /** Where a follower of the file starts now: the start of the line being written. */
  async followFrom(file: string): Promise<number> {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    return size === 0 ? 0 : lineStartBefore(file, size);
  }
}
