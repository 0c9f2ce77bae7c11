/**
 * One raw log line as a LogLine: the daemon's pino JSON (numeric level → name, epoch ms → ISO,
 * the message with its other fields after it), or one line of an agent's pane output (escapes
 * removed). Pure functions: the REST tail and the live follow parse alike.
 */
import { DAEMON_LOG_SOURCE, type LogLevelName, type LogLine } from '../../domain/log.js';
import { stripAnsi } from '../../supervisor/logs.js';

/** Longest `msg` sent: a log line is for reading, and one huge line must not make a huge frame. */
export const MAX_MSG_CHARS = 8 * 1024;

const clip = (s: string): string => (s.length > MAX_MSG_CHARS ? `${s.slice(0, MAX_MSG_CHARS - 1)}…` : s);

/** pino's numeric level as a name; a custom level counts as the standard one below it. */
export function levelName(level: unknown): LogLevelName {
  if (typeof level === 'string') {
    const known = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].find((l) => l === level);
    return (known as LogLevelName | undefined) ?? 'info';
  }
  if (typeof level !== 'number' || !Number.isFinite(level)) return 'info';
  if (level >= 60) return 'fatal';
  if (level >= 50) return 'error';
  if (level >= 40) return 'warn';
  if (level >= 30) return 'info';
  if (level >= 20) return 'debug';
  return 'trace';
}

function isoTime(time: unknown): string | null {
  if (typeof time !== 'number' && typeof time !== 'string') return null;
  const d = new Date(time);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

// Fields every line has, or that the LogLine carries on its own.
const OWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'agentId', 'v']);

/** `key=value` for the fields a line carries besides its message (`err` as its type and message). */
function extras(record: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (OWN_FIELDS.has(key) || value === undefined) continue;
    if (key === 'err' && typeof value === 'object' && value !== null) {
      const err = value as { type?: unknown; message?: unknown };
      out.push(`err=${typeof err.type === 'string' ? `${err.type}: ` : ''}${String(err.message ?? '')}`);
    } else {
      out.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  }
  return out.join(' ');
}

/** A line of the daemon's log; null for a blank line. Text that is not a JSON object is kept as is. */
export function parseDaemonLine(raw: string, seq: number): LogLine | null {
  const text = raw.trim();
  if (text === '') return null;
  let record: Record<string, unknown> | null = null;
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        record = value as Record<string, unknown>;
      }
    } catch {
      // Not JSON after all (a crash's stderr, a torn line): shown as plain text below.
    }
  }
  if (record === null) {
    return { seq, ts: null, level: 'info', source: DAEMON_LOG_SOURCE, agentId: null, msg: clip(text) };
  }
  const msg = typeof record.msg === 'string' ? record.msg : '';
  const rest = extras(record);
  return {
    seq,
    ts: isoTime(record.time),
    level: levelName(record.level),
    source: DAEMON_LOG_SOURCE,
    agentId: typeof record.agentId === 'string' ? record.agentId : null,
    msg: clip(rest === '' ? msg : msg === '' ? rest : `${msg} ${rest}`),
  };
}

/** A line of an agent's pane output, escapes removed; null when nothing visible is left. */
export function parseAgentLine(raw: string, seq: number, agentId: string): LogLine | null {
  const text = stripAnsi(raw).trimEnd();
  if (text.trim() === '') return null;
  return { seq, ts: null, level: 'info', source: agentId, agentId, msg: clip(text) };
}
