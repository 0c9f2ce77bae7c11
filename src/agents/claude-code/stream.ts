import { arr, asRecord, num, parseJsonLine, rec, shorten, str } from '../json.js';
import type { StatusSignal, UsageReport } from '../types.js';
import { toolSummary } from './hooks.js';
import { detectClaudeUsageLimit } from './usage-limit.js';

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
      return fromSystem(obj);
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

function fromSystem(obj: Record<string, unknown>): StreamInfo | null {
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
    const status = num(obj, 'error_status');
    const error = str(obj, 'error') ?? 'error';
    const delay = num(obj, 'retry_delay_ms');
    const attempt = num(obj, 'attempt');
    const max = num(obj, 'max_retries');
    const what = status === undefined ? error : `${status} ${error}`;
    const when = delay === undefined ? '' : ` in ${Math.round(delay / 1000)}s`;
    const count = attempt === undefined ? '' : ` (attempt ${attempt}${max === undefined ? '' : `/${max}`})`;
    return { status: working(`API error ${what}, retrying${when}${count}`) };
  }
  return null;
}

function fromAssistant(obj: Record<string, unknown>): StreamInfo {
  const blocks = arr(rec(obj, 'message'), 'content').map(asRecord);
  const tool = blocks.find((b) => str(b, 'type') === 'tool_use');
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

  const isError = obj.is_error === true;
  const text = str(obj, 'result') ?? '';
  const denials = arr(obj, 'permission_denials')
    .map((d) => str(asRecord(d), 'tool_name'))
    .filter((t): t is string => t !== undefined);
  const denied =
    denials.length === 0
      ? ''
      : `; denied ${denials.length} tool call(s) (${[...new Set(denials)].join(', ')}): headless runs cannot ask, allow tools with permission_mode or --allowedTools in the agent's args`;
  const reason = str(obj, 'terminal_reason') ?? str(obj, 'subtype') ?? 'error';
  const detail = isError
    ? `run failed (${reason}): ${text}`
    : `run finished (${num(obj, 'num_turns') ?? '?'} turns)`;
  const resumeAt = isError ? (detectClaudeUsageLimit(text, now) ?? undefined) : undefined;
  const sessionId = str(obj, 'session_id');
  return {
    status: working(`${detail}${denied}`, resumeAt, 300),
    usage,
    ...(sessionId === undefined ? {} : { sessionId }),
  };
}
