/**
 * Anthropic Messages content blocks (`text`, `tool_use`, `tool_result`, `thinking`) as
 * conversation entries: shared by the transcript parser (transcript.ts) and the stream-json
 * parser (stream-conversation.ts), which carry the same `message` objects. Pure.
 */
import {
  boundedText,
  type ConversationEntryDraft,
  type ConversationUsage,
} from '../../domain/conversation.js';
import { cleanText } from '../../domain/text.js';

type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One JSON object per line; null for anything else (a torn line, terminal noise). */
export function parseJsonLine(line: string): Obj | null {
  const at = line.indexOf('{');
  if (at < 0) return null;
  try {
    const value: unknown = JSON.parse(line.slice(at).trim());
    return isObj(value) ? value : null;
  } catch {
    return null;
  }
}

const oneLine = (s: string, max = 160): string => {
  const line = cleanText(s).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** What a tool call is about, in one line: `Bash(git status)`, `Write(src/a.ts)`. */
export function toolSummary(name: string, input: unknown, cwd?: string): string {
  const i = isObj(input) ? input : {};
  const rel = (p: string) => (cwd && p.startsWith(`${cwd}/`) ? p.slice(cwd.length + 1) : p);
  const arg =
    str(i.command) ??
    (str(i.file_path) !== undefined ? rel(str(i.file_path) as string) : undefined) ??
    (str(i.notebook_path) !== undefined ? rel(str(i.notebook_path) as string) : undefined) ??
    str(i.pattern) ??
    str(i.url) ??
    str(i.query) ??
    str(i.description) ??
    str(i.prompt) ??
    (Object.keys(i).length > 0 ? JSON.stringify(i) : '');
  return `${name}(${oneLine(arg)})`;
}

/** A tool result's content (a string, or text/image blocks) as text. */
export function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((b) => {
      if (!isObj(b)) return '';
      if (b.type === 'text') return str(b.text) ?? '';
      if (b.type === 'image') return '[image]';
      return `[${str(b.type) ?? 'block'}]`;
    })
    .filter((t) => t !== '')
    .join('\n');
}

/** The entries of an assistant message's content blocks (thinking is left out). */
export function assistantEntries(
  message: Obj,
  ts: string | null,
  tools: Map<string, string>,
  cwd?: string,
): ConversationEntryDraft[] {
  const out: ConversationEntryDraft[] = [];
  const model = str(message.model);
  const content = Array.isArray(message.content) ? message.content : [];
  for (const block of content) {
    if (!isObj(block)) continue;
    if (block.type === 'text') {
      const text = str(block.text) ?? '';
      if (text.trim() === '') continue;
      out.push({
        kind: 'text',
        role: 'assistant',
        ts,
        ...boundedText(text),
        ...(model && model !== '<synthetic>' ? { model } : {}),
      });
    } else if (block.type === 'tool_use') {
      const name = str(block.name) ?? 'tool';
      const id = str(block.id);
      if (id) tools.set(id, name);
      out.push({
        kind: 'tool_call',
        role: 'assistant',
        ts,
        text: toolSummary(name, block.input, cwd),
        tool: name,
        input: block.input ?? {},
        ...(id ? { toolUseId: id } : {}),
      });
    }
  }
  return out;
}

/** The entries of a user message: a prompt (string or text blocks) and tool results. */
export function userEntries(
  message: Obj,
  ts: string | null,
  tools: Map<string, string>,
): ConversationEntryDraft[] {
  const content = message.content;
  if (typeof content === 'string') {
    return content.trim() === '' ? [] : [{ kind: 'prompt', role: 'user', ts, ...boundedText(content) }];
  }
  if (!Array.isArray(content)) return [];
  const out: ConversationEntryDraft[] = [];
  const said: string[] = [];
  for (const block of content) {
    if (!isObj(block)) continue;
    if (block.type === 'text') said.push(str(block.text) ?? '');
    else if (block.type === 'tool_result') {
      const id = str(block.tool_use_id);
      const tool = id ? tools.get(id) : undefined;
      out.push({
        kind: 'tool_result',
        role: 'tool',
        ts,
        ...boundedText(resultText(block.content)),
        ...(tool ? { tool } : {}),
        ...(id ? { toolUseId: id } : {}),
        isError: block.is_error === true,
      });
    }
  }
  const prompt = said.join('\n').trim();
  if (prompt !== '') out.unshift({ kind: 'prompt', role: 'user', ts, ...boundedText(prompt) });
  return out;
}

/** An Anthropic `usage` object (snake_case) as ConversationUsage; null when it has no counts. */
export function usageOf(usage: unknown, costUsd?: unknown): ConversationUsage | null {
  if (!isObj(usage)) return null;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  if (input === undefined && output === undefined) return null;
  const cacheRead = num(usage.cache_read_input_tokens);
  const cacheWrite = num(usage.cache_creation_input_tokens);
  const cost = num(costUsd);
  return {
    inputTokens: Math.max(0, Math.round(input ?? 0)),
    outputTokens: Math.max(0, Math.round(output ?? 0)),
    ...(cacheRead === undefined ? {} : { cacheReadTokens: Math.max(0, Math.round(cacheRead)) }),
    ...(cacheWrite === undefined ? {} : { cacheWriteTokens: Math.max(0, Math.round(cacheWrite)) }),
    ...(cost === undefined ? {} : { costUsd: Math.max(0, cost) }),
  };
}

export function addUsages(a: ConversationUsage | null, b: ConversationUsage): ConversationUsage {
  if (!a) return { ...b };
  const sum = (x?: number, y?: number) =>
    x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
  const cacheRead = sum(a.cacheReadTokens, b.cacheReadTokens);
  const cacheWrite = sum(a.cacheWriteTokens, b.cacheWriteTokens);
  const cost = sum(a.costUsd, b.costUsd);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cacheRead === undefined ? {} : { cacheReadTokens: cacheRead }),
    ...(cacheWrite === undefined ? {} : { cacheWriteTokens: cacheWrite }),
    ...(cost === undefined ? {} : { costUsd: cost }),
  };
}

export { num };
