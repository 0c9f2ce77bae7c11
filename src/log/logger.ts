import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';

/**
 * Logging: JSON lines to a size-rotated file in the state dir (the record a bug report needs),
 * plus readable lines on stderr when it is a TTY. Rotation is done in-process at open time
 * (and by the daemon on a timer) rather than through a pino transport: transports start a
 * worker thread, which would cost every CLI invocation tens of milliseconds.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type { Logger };

export interface LoggerOptions {
  logDir: string;
  /** File name inside logDir, e.g. `cli.log` or `daemon.log`. */
  file: string;
  level: LogLevel;
  /** Level for stderr; `silent` turns it off. */
  stderrLevel: LogLevel;
  maxFileBytes: number;
  maxFiles: number;
  /** Write human lines to stderr (true on a TTY). */
  pretty: boolean;
}

/** Keys whose values never reach a log, wherever they appear. */
export const REDACT_PATHS = [
  'token',
  'password',
  'secret',
  'apiKey',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.apiKey',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Shift log.N → log.N+1 and start a fresh file when the current one is over the limit. */
export function rotateIfNeeded(path: string, maxBytes: number, maxFiles: number): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  if (size < maxBytes) return false;
  rmSync(`${path}.${maxFiles}`, { force: true });
  for (let i = maxFiles - 1; i >= 1; i--) {
    try {
      renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    } catch {
      // a gap in the sequence is fine
    }
  }
  renameSync(path, `${path}.1`);
  return true;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** A tiny stderr formatter: `warn  message key=value`. pino-pretty would cost start-up time. */
function prettyStream(): DestinationStream {
  return {
    write(line: string) {
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        const { level, time: _t, pid: _p, hostname: _h, msg, ...rest } = rec;
        const extra = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const name = LEVEL_NAMES[Number(level)] ?? String(level);
        process.stderr.write(`${name.padEnd(5)} ${String(msg ?? '')}${extra ? ` ${extra}` : ''}\n`);
      } catch {
        process.stderr.write(line);
      }
    },
  };
}

export function createLogger(opts: LoggerOptions): Logger {
  const streams: StreamEntry[] = [];
  if (opts.level !== 'silent') {
    try {
      mkdirSync(opts.logDir, { recursive: true, mode: 0o700 });
      const path = join(opts.logDir, opts.file);
      rotateIfNeeded(path, opts.maxFileBytes, opts.maxFiles);
      // Open eagerly so a permission problem surfaces here, not on the first write.
      closeSync(openSync(path, 'a', 0o600));
      streams.push({ level: opts.level, stream: pino.destination({ dest: path, sync: true, mkdir: true }) });
    } catch {
      // Logging must never stop the tool; `flotilla doctor` reports an unwritable state dir.
    }
  }
  if (opts.stderrLevel !== 'silent') {
    streams.push({
      level: opts.stderrLevel,
      stream: opts.pretty ? prettyStream() : pino.destination({ dest: 2, sync: true }),
    });
  }
  const minLevel = lowest([opts.level, opts.stderrLevel]);
  if (streams.length === 0) return pino({ level: 'silent' });
  return pino(
    { level: minLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } },
    pino.multistream(streams),
  );
}

const ORDER: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];
function lowest(levels: LogLevel[]): LogLevel {
  return levels.reduce((a, b) => (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b));
}
