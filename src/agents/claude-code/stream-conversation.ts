/**
 * Claude Code's headless output (`-p --output-format stream-json --verbose`, one JSON object
 * per line, as the agent's pane log holds it) as conversation entries: `system/init` starts a
 * session, `assistant` lines carry text and tool calls, `user` lines tool results, and the
 * `result` line ends the turn with its usage and cost (an error result also says what went
 * wrong); `system/api_retry` is an error the CLI retries. Hook lines are left out. The status
 * logic lives in stream.ts; this only reads. Pure.
 */
import { boundedText, type ConversationEntryDraft } from '../../domain/conversation.js';
import {
  assistantEntries,
  isObj,
  num,
  parseJsonLine,
  str,
  usageOf,
  userEntries,
} from './conversation-blocks.js';

export class ClaudeStreamReader {
  private readonly tools = new Map<string, string>();
  private cwd: string | undefined;

  /** The entries one stream line makes ([] for hook lines and anything that is not stream-json). */
  push(line: string): ConversationEntryDraft[] {
    const record = parseJsonLine(line);
    if (!record) return [];
    const message = isObj(record.message) ? record.message : null;
    switch (record.type) {
      case 'system':
        return this.system(record);
      case 'assistant':
        return message ? assistantEntries(message, null, this.tools, this.cwd) : [];
      case 'user':
        return message ? userEntries(message, null, this.tools) : [];
      case 'result':
        return this.result(record);
      default:
        return [];
    }
  }

  private system(record: Record<string, unknown>): ConversationEntryDraft[] {
    if (record.subtype === 'init') {
      this.cwd = str(record.cwd);
      const model = str(record.model);
      const version = str(record.claude_code_version);
      const parts = [
        'Session started',
        ...(model ? [model] : []),
        ...(version ? [`Claude Code ${version}`] : []),
        ...(this.cwd ? [`in ${this.cwd}`] : []),
      ];
      return [
        { kind: 'session', role: 'system', ts: null, text: parts.join(' · '), ...(model ? { model } : {}) },
      ];
    }
    if (record.subtype === 'api_retry') {
      const status = num(record.error_status);
      const attempt = num(record.attempt);
      const max = num(record.max_retries);
      const what = str(record.error) ?? 'API error';
      const text = `${what}${status === undefined ? '' : ` (HTTP ${status})`}, retrying${
        attempt === undefined ? '' : ` · attempt ${attempt}${max === undefined ? '' : `/${max}`}`
      }`;
      return [{ kind: 'error', role: 'system', ts: null, text }];
    }
    return [];
  }

  private result(record: Record<string, unknown>): ConversationEntryDraft[] {
    const out: ConversationEntryDraft[] = [];
    if (record.is_error === true) {
      const text = str(record.result) ?? str(record.subtype) ?? 'the turn failed';
      out.push({ kind: 'error', role: 'system', ts: null, ...boundedText(text) });
    }
    const denials = Array.isArray(record.permission_denials) ? record.permission_denials : [];
    for (const d of denials) {
      if (!isObj(d)) continue;
      out.push({
        kind: 'error',
        role: 'system',
        ts: null,
        text: `Permission denied: ${str(d.tool_name) ?? 'a tool'}${isObj(d.tool_input) ? ` ${JSON.stringify(d.tool_input)}` : ''}`.slice(
          0,
          2000,
        ),
      });
    }
    const usage = usageOf(record.usage, record.total_cost_usd);
    const durationMs = num(record.duration_ms);
    const reason = str(record.terminal_reason) ?? str(record.subtype);
    out.push({
      kind: 'turn_end',
      role: 'system',
      ts: null,
      text: reason ? `Turn ended (${reason})` : 'Turn ended',
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(usage ? { usage } : {}),
    });
    return out;
  }
}

/** Every entry of a whole stream-json text (a pane log: `\r\n` and terminal noise are fine). */
export function parseClaudeStream(text: string): ConversationEntryDraft[] {
  const reader = new ClaudeStreamReader();
  return text.split('\n').flatMap((line) => reader.push(line));
}
