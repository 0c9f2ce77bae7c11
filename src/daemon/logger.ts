import type { StatePaths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';

/**
 * Where the daemon runs: `foreground` (`flotilla serve`: progress on stderr), `detached`
 * (started by a CLI command: stderr is daemon.out, so only errors go there), `embedded`
 * (tests, programmatic use: the file only).
 */
export type DaemonMode = 'foreground' | 'detached' | 'embedded';

const STDERR_LEVEL = { foreground: 'info', detached: 'error', embedded: 'silent' } as const;

/** The daemon's log: JSON lines in <logDir>/daemon.log, plus stderr for `flotilla serve`. */
export function createDaemonLogger(paths: StatePaths, config: Config, mode: DaemonMode): Logger {
  return createLogger({
    logDir: paths.logDir,
    file: 'daemon.log',
    level: config.log.level,
    stderrLevel: config.log.level === 'silent' ? 'silent' : STDERR_LEVEL[mode],
    maxFileBytes: Math.round(config.log.max_file_mb * 1024 * 1024),
    maxFiles: config.log.max_files,
    pretty: Boolean(process.stderr.isTTY),
  });
}
