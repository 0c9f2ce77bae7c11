import { ASK_USER_TOOL_FQN, questionDetail } from '../../domain/agent-tools.js';
import { arr, asRecord, num, parseJsonLine, rec, shorten, str } from '../json.js';
import type { StatusSignal, UsageReport } from '../types.js';
import { toolSummary } from './hooks.js';
import { retryOfLine, runEndOfResult } from './run-result.js';

/**
 * `claude -p --output-format stream-json --verbose` lines (see the reference captures):
 * `system/init` (session_id), `system/api_retry`, `assistant` (one content block each),
 * `user` (tool results), and a final `result` with the run's usage and cost.
 */

/** What one stream line tells: a status, the run's usage, the session id. */
export interface StreamInfo {
  status?: StatusSignal;
  usage?: UsageReport;
  sessionId?: string;
}

const working = (detail: string, resumeAt?: Date, max = 120): StatusSignal => ({
  status: 'working',
  source: 'stream',
  detail: shorten(detail, max),
  ...(resumeAt === undefined ? {} : { resumeAt }),
});

/** Parse one stream-json line; null for blank, malformed or uninteresting lines. */
export function claudeFromStreamLine(line: string, now: Date = new Date()): StreamInfo | null {
  const obj = parseJsonLine(line);
  if (obj === null) return null;
  switch (str(obj, 'type')) {
    case 'system':
      return fromSystem(obj, now);
    case 'assistant':
      return fromAssistant(obj);
    case 'user':
      return { status: working('tool finished') };
    case 'result':
      return fromResult(obj, now);
    default:
      return null;
  }
}

function fromSystem(obj: Record<string, unknown>, now: Date): StreamInfo | null {
  const subtype = str(obj, 'subtype');
  if (subtype === 'init') {
    const sessionId = str(obj, 'session_id');
    const model = str(obj, 'model');
    return {
      status: working(model === undefined ? 'session started' : `session started (${model})`),
      ...(sessionId === undefined ? {} : { sessionId }),
    };
  }
  if (subtype === 'api_retry') {
    // Claude Code waits and retries by itself: a 429/529 shows as `rate_limited` (no resume of
    // Flotilla's: the next line says whether the retry worked), anything else as working.
    const r = retryOfLine(obj);
    const what = r.status === null ? r.error : `${r.status} ${r.error}`;
    const at = r.delayMs === null ? '' : ` at ${new Date(now.getTime() + r.delayMs).toISOString()}`;
    const count = r.attempt === null ? '' : ` (attempt ${r.attempt}${r.max === null ? '' : `/${r.max}`})`;
    const detail = shorten(`API error ${what}: Claude Code retries${at}${count}`);
    return { status: r.limited ? { status: 'rate_limited', source: 'stream', detail } : working(detail) };
  }
  return null;
}

function fromAssistant(obj: Record<string, unknown>): StreamInfo {
  const blocks = arr(rec(obj, 'message'), 'content').map(asRecord);
  const tool = blocks.find((b) => str(b, 'type') === 'tool_use');
  // Flotilla's ask_user tool: the call waits for `flotilla answer` (the daemon says so too).
  if (tool && str(tool, 'name') === ASK_USER_TOOL_FQN) {
    const question = str(rec(tool, 'input'), 'question') ?? 'a question';
    return { status: { status: 'needs_input', source: 'stream', detail: questionDetail(question) } };
  }
  if (tool) return { status: working(toolSummary({ tool_name: str(tool, 'name'), tool_input: tool.input })) };
  return { status: working('writing') };
}

function fromResult(obj: Record<string, unknown>, now: Date): StreamInfo {
  const u = rec(obj, 'usage');
  const usage: UsageReport = {
    inputTokens: num(u, 'input_tokens') ?? 0,
    outputTokens: num(u, 'output_tokens') ?? 0,
  };
  const cacheRead = num(u, 'cache_read_input_tokens');
  const cacheWrite = num(u, 'cache_creation_input_tokens');
  const cost = num(obj, 'total_cost_usd');
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  if (cost !== undefined) usage.costUsd = cost;

  // The process exits next: the supervisor judges the exit by this run end (lifecycle.ts).
  const runEnd = runEndOfResult(obj, now);
  const detail =
    runEnd.outcome === 'success'
      ? runEnd.reason
      : shorten(`run ${runEnd.outcome === 'denied' ? 'finished, but' : 'failed:'} ${runEnd.reason}`, 300);
  const status: StatusSignal =
    runEnd.outcome === 'rate_limited'
      ? {
          status: 'rate_limited',
          source: 'stream',
          detail,
          ...(runEnd.resumeAt ? { resumeAt: runEnd.resumeAt } : {}),
          runEnd,
        }
      : { ...working(detail, undefined, 300), runEnd };
  const sessionId = str(obj, 'session_id');
  return { status, usage, ...(sessionId === undefined ? {} : { sessionId }) };
}
