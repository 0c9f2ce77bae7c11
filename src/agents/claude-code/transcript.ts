/**
 * Claude Code's transcript (`$HOME/.claude/projects/<cwd, every non-alphanumeric as ->/<session
 * id>.jsonl`, written by the interactive TUI and by `-p`) as conversation entries. One JSON
 * object per line: `user` (a prompt, or tool results), `assistant` (one line per content block,
 * the message's usage repeated on each), `system` (`turn_duration` ends a turn, `api_error`),
 * and bookkeeping Flotilla does not show (`file-history-snapshot`, `attachment`, `mode`, …).
 * Subagent (`isSidechain`) and meta lines are left out. Pure: the caller reads the file.
 */
import { join } from 'node:path';
import {
  boundedText,
  type ConversationEntryDraft,
  type ConversationUsage,
} from '../../domain/conversation.js';
import {
  addUsages,
  assistantEntries,
  isObj,
  num,
  parseJsonLine,
  str,
  usageOf,
  userEntries,
} from './conversation-blocks.js';

/** Claude Code's folder name for a working directory: every character but [A-Za-z0-9] becomes `-`. */
export function claudeProjectDirName(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/** Where Claude Code keeps the transcript of `sessionId` run in `cwd` (CLAUDE_CONFIG_DIR wins over HOME). */
export function claudeTranscriptPath(input: {
  home: string;
  cwd: string;
  sessionId: string;
  configDir?: string | undefined;
}): string {
  const base = input.configDir ?? join(input.home, '.claude');
  return join(base, 'projects', claudeProjectDirName(input.cwd), `${input.sessionId}.jsonl`);
}

/** A prompt that is a slash command's record (`<command-name>/exit</command-name>…`) as the command typed. */
function promptText(text: string): { kind: 'prompt' | 'session'; text: string } {
  const name = /<command-name>([\s\S]*?)<\/command-name>/.exec(text)?.[1];
  if (name !== undefined) {
    const args = /<command-args>([\s\S]*?)<\/command-args>/.exec(text)?.[1]?.trim() ?? '';
    return { kind: 'prompt', text: args === '' ? name.trim() : `${name.trim()} ${args}` };
  }
  const stdout = /<local-command-stdout>([\s\S]*?)<\/local-command-stdout>/.exec(text)?.[1];
  if (stdout !== undefined) return { kind: 'session', text: stdout.trim() };
  return { kind: 'prompt', text };
}

/** Reads a transcript line by line, in order; keeps what pairs lines (tool names, a turn's usage). */
export class ClaudeTranscriptReader {
  private readonly tools = new Map<string, string>();
  /** The usage of each assistant message of the current turn, by message id (lines repeat it). */
  private turnUsage = new Map<string, ConversationUsage>();

  /** The entries one transcript line makes ([] for bookkeeping, blank or torn lines). */
  push(line: string): ConversationEntryDraft[] {
    const record = parseJsonLine(line);
    if (!record || record.isSidechain === true) return [];
    const ts = str(record.timestamp) ?? null;
    const cwd = str(record.cwd);
    const message = isObj(record.message) ? record.message : null;
    switch (record.type) {
      case 'user': {
        if (!message || record.isMeta === true) return [];
        const entries = userEntries(message, ts, this.tools);
        return entries.map((e) => {
          if (e.kind !== 'prompt') return e;
          const p = promptText(e.text);
          return { ...e, kind: p.kind, role: p.kind === 'prompt' ? 'user' : 'system', text: p.text };
        });
      }
      case 'assistant': {
        if (!message) return [];
        const usage = usageOf(message.usage);
        const id = str(message.id);
        if (usage && id && message.model !== '<synthetic>') this.turnUsage.set(id, usage);
        if (record.isApiErrorMessage === true || record.error !== undefined) {
          const text = assistantEntries(message, ts, this.tools)
            .map((e) => e.text)
            .join('\n');
          return [
            {
              kind: 'error',
              role: 'system',
              ts,
              ...boundedText(text || String(record.error ?? 'API error')),
            },
          ];
        }
        return assistantEntries(message, ts, this.tools, cwd);
      }
      case 'system':
        return this.system(record, ts);
      default:
        return [];
    }
  }

  private system(record: Record<string, unknown>, ts: string | null): ConversationEntryDraft[] {
    if (record.subtype === 'turn_duration') {
      let usage: ConversationUsage | null = null;
      for (const u of this.turnUsage.values()) usage = addUsages(usage, u);
      this.turnUsage = new Map();
      const durationMs = num(record.durationMs);
      return [
        {
          kind: 'turn_end',
          role: 'system',
          ts,
          text: 'Turn ended',
          ...(durationMs === undefined ? {} : { durationMs }),
          ...(usage ? { usage } : {}),
        },
      ];
    }
    const level = str(record.level);
    if (record.subtype === 'api_error' || level === 'error') {
      const content =
        str(record.content) ?? (isObj(record.error) ? JSON.stringify(record.error) : str(record.error));
      return [{ kind: 'error', role: 'system', ts, ...boundedText(content ?? 'API error') }];
    }
    return [];
  }
}

/** Every entry of a whole transcript's text. */
export function parseClaudeTranscript(text: string): ConversationEntryDraft[] {
  const reader = new ClaudeTranscriptReader();
  return text.split('\n').flatMap((line) => reader.push(line));
}
