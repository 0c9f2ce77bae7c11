/**
 * `flotilla hook <event>`: what an agent runs on each of its hooks. It must never slow, block or
 * break the agent: it records the payload as one line appended to the agent's own events file
 * (so nothing is lost while the daemon is down), and that is all: the daemon watches the file
 * (fs.watch, and a look every second), as it does for the lines hook.sh writes. It no longer
 * pokes the daemon over HTTP: the poke only raced the watch, and walked the whole HTTP stack
 * for it. It always exits 0 and prints nothing (Claude Code reads a hook's stdout as
 * instructions). Started through a fast path in bin/flotilla.js
 * that skips the CLI: node built-ins only here, no zod, kysely or pino.
 *
 * Claude Code agents run a per-agent sh script instead (claude-code/hook-script.ts), which
 * writes the very same line without a Node start-up and hands here only what sh cannot do
 * (a payload that is not a JSON object or is huge, a failed write).
 */

import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_FILES, agentDirInHome, agentFileInHome } from './agent-dir.js';

/** Largest payload read from stdin; the rest is drained and dropped. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Longest string kept inside a payload (a tool's whole output is in the transcript anyway). */
export const MAX_STRING_CHARS = 16 * 1024;
const STDIN_TIMEOUT_MS = 1_000;
const AGENT_ID = /^[a-z0-9]{1,32}$/;

/** One line of `<FLOTILLA_HOME>/agents/<id>/events.jsonl`. */
export interface HookLine {
  ts: string;
  agentId: string;
  event: string;
  payload: Record<string, unknown>;
}

/** Where stdin comes from: a stream (the real one), or the text itself (tests). */
export type HookInput = NodeJS.ReadableStream | string | Buffer | null;

/**
 * Left in the agent's dir by a hook whose event could not be written whole (a full disk): the
 * daemon turns it into a health event, a log warning and a warning in `ps`, then removes it.
 * Its content (JSON: ts, event, code) is best effort: on a full disk only the empty file may fit.
 */
export const WRITE_FAILED_MARKER = AGENT_FILES.writeFailed;

/** The events file of an agent. */
export function eventsFile(home: string, agentId: string): string {
  return agentFileInHome(home, agentId, 'events');
}

/**
 * Records one hook invocation; the daemon, which watches the file, reads it from there. Resolves
 * 0 whatever happens; problems go to `<agentDir>/hook-errors.log` when that can be written,
 * nowhere otherwise.
 */
export async function runHook(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  stdin: HookInput,
): Promise<number> {
  const home = env.FLOTILLA_HOME;
  const agentId = env.FLOTILLA_AGENT_ID;
  if (!home || !agentId || !AGENT_ID.test(agentId)) return 0;
  const agentDir = agentDirInHome(home, agentId);
  try {
    const text = await readInput(stdin);
    const payload = parsePayload(text);
    const at = argv.indexOf('hook');
    const event =
      argv[at + 1] ?? (typeof payload.hook_event_name === 'string' ? payload.hook_event_name : 'unknown');
    const line: HookLine = { ts: new Date().toISOString(), agentId, event, payload };
    mkdirSync(agentDir, { recursive: true, mode: 0o700 });
    try {
      appendLine(eventsFile(home, agentId), JSON.stringify(line));
    } catch (err) {
      markWriteFailure(agentDir, event, err);
      throw err;
    }
  } catch (err) {
    logError(agentDir, err);
  }
  return 0;
}

/**
 * Appends one line in one write on an O_APPEND descriptor (concurrent hooks never interleave
 * inside a line) and checks that all of it was written: a short write (disk full) throws.
 */
function appendLine(file: string, text: string): void {
  const fd = openSync(file, 'a+', 0o600);
  try {
    // A line cut short by an earlier failed write has no newline: begin on a fresh line, or
    // this event would be merged into the torn one and lost with it.
    let lead = '';
    const size = fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      if (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) lead = '\n';
    }
    const data = Buffer.from(`${lead}${text}\n`);
    const written = writeSync(fd, data);
    if (written !== data.length) {
      throw Object.assign(new Error(`short write: ${written} of ${data.length} bytes`), {
        code: 'SHORT_WRITE',
      });
    }
  } finally {
    closeSync(fd);
  }
}

/** Leaves the marker the daemon reports; the empty file alone still says "write failed". */
function markWriteFailure(agentDir: string, event: string, err: unknown): void {
  try {
    const fd = openSync(join(agentDir, WRITE_FAILED_MARKER), 'w', 0o600);
    try {
      const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      writeSync(fd, JSON.stringify({ ts: new Date().toISOString(), event, code }));
    } catch {
    } finally {
      closeSync(fd);
    }
  } catch {}
}

/** Entry point of the fast path: `main(process.argv)`. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const stdin = process.stdin.isTTY ? null : process.stdin;
  const code = await runHook(argv, process.env, stdin);
  if (stdin) (stdin as NodeJS.ReadStream).destroy?.();
  process.exitCode = 0;
  return code;
}

function readInput(input: HookInput): Promise<string> {
  if (input === null) return Promise.resolve('');
  if (typeof input === 'string') return Promise.resolve(input.slice(0, MAX_PAYLOAD_BYTES));
  if (Buffer.isBuffer(input)) return Promise.resolve(input.subarray(0, MAX_PAYLOAD_BYTES).toString('utf8'));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      input.removeListener('data', onData);
      resolve(Buffer.concat(chunks).subarray(0, MAX_PAYLOAD_BYTES).toString('utf8'));
    };
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      // Keep draining past the limit so the writer never blocks on a full pipe.
      if (size < MAX_PAYLOAD_BYTES) chunks.push(b);
      size += b.length;
    };
    // A hook started without a payload (stdin left open by the caller) must not hang the agent.
    const timer = setTimeout(finish, STDIN_TIMEOUT_MS);
    input.on('data', onData);
    input.once('end', finish);
    input.once('close', finish);
    input.once('error', finish);
  });
}

/** The payload as an object: invalid or truncated JSON is kept as text rather than lost. */
export function parsePayload(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return clip(value) as Record<string, unknown>;
    }
    return { value: clip(value) };
  } catch {
    return { raw: text.slice(0, MAX_STRING_CHARS), invalidJson: true };
  }
}

function clip(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_STRING_CHARS ? `${value.slice(0, MAX_STRING_CHARS)}…[truncated]` : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 20) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => clip(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = clip(v, depth + 1);
  return out;
}

function logError(agentDir: string, err: unknown): void {
  try {
    const message = err instanceof Error ? err.message : String(err);
    appendFileSync(join(agentDir, AGENT_FILES.hookErrors), `${new Date().toISOString()} ${message}\n`, {
      mode: 0o600,
    });
  } catch {}
}
