/**
 * `flotilla logs AGENT`: the agent's conversation, as a person reads it (prompts, what the
 * assistant said, each tool call with its input and a few lines of its result, errors, turn
 * ends with their tokens); `-f` follows it. `--raw` is the terminal instead: the pane log played
 * through a terminal emulator into the lines that were on screen. `--json` is for scripts.
 */
import type { Command } from 'commander';
import type { ConversationEntry, ConversationPage } from '../../domain/conversation.js';
import { cleanText } from '../../domain/text.js';
import type { Runner } from '../context.js';
import { type CliContext, clientFor } from '../context.js';
import { paint, type Style } from '../output.js';
import { parsePositiveInt } from '../parse.js';

/** How much of a tool result (or a long text) is printed without `--full`. */
export const RESULT_LINES = 8;
export const RESULT_CHARS = 1_000;

export interface FormatOptions {
  style: Style;
  /** Print every line of every entry. */
  full: boolean;
  /** The agent, for the "see it all" note. */
  agentId: string;
}

const INDENT = '    ';

/** `text` cut to RESULT_LINES lines / RESULT_CHARS characters, with a note saying how to see the rest. */
function clipped(
  text: string,
  opts: FormatOptions,
  extraChars = 0,
): { lines: string[]; note: string | null } {
  const all = text.replace(/\n+$/, '').split('\n');
  if (opts.full && extraChars === 0) return { lines: all, note: null };
  let lines = all;
  let cut = false;
  if (!opts.full) {
    lines = all.slice(0, RESULT_LINES);
    cut = all.length > RESULT_LINES;
    let chars = 0;
    for (let i = 0; i < lines.length; i++) {
      chars += (lines[i] as string).length + 1;
      if (chars > RESULT_CHARS) {
        lines = lines.slice(0, i + 1);
        lines[i] =
          `${(lines[i] as string).slice(0, Math.max(0, (lines[i] as string).length - (chars - RESULT_CHARS)))}…`;
        cut = true;
        break;
      }
    }
  }
  const hidden = all.length - lines.length;
  const how = opts.full
    ? `the daemon keeps 64 KiB of each entry (${extraChars} characters in all)`
    : `see it all: flotilla logs ${opts.agentId} --full`;
  const note =
    cut || extraChars > 0
      ? `… ${hidden > 0 ? `${hidden} more line${hidden === 1 ? '' : 's'}` : 'cut'} (${how})`
      : null;
  return { lines, note };
}

const fmtInt = (n: number) => n.toLocaleString('en-US');

/** "1.2 s · 22,520 in · 126 out · 1,000 cached · $0.0245" */
function turnFigures(e: ConversationEntry): string {
  const parts: string[] = [];
  if (e.durationMs !== undefined) parts.push(`${(e.durationMs / 1000).toFixed(1)} s`);
  if (e.usage) {
    parts.push(`${fmtInt(e.usage.inputTokens)} in`, `${fmtInt(e.usage.outputTokens)} out`);
    const cached = (e.usage.cacheReadTokens ?? 0) + (e.usage.cacheWriteTokens ?? 0);
    if (cached > 0) parts.push(`${fmtInt(cached)} cache`);
    if (e.usage.costUsd !== undefined) parts.push(`$${e.usage.costUsd.toFixed(4)}`);
  }
  return parts.join(' · ');
}

/** The input of a tool call beyond what its one-line summary shows, as one short JSON line. */
function inputLine(e: ConversationEntry, opts: FormatOptions): string | null {
  if (e.input === undefined || e.input === null || typeof e.input !== 'object') return null;
  const keys = Object.keys(e.input as object);
  if (keys.length === 0) return null;
  const json = JSON.stringify(e.input);
  // A call whose only input is already in the summary (`Bash(git status)`) says it once.
  const only = keys.length === 1 || (keys.length === 2 && keys.includes('description'));
  if (only && e.text.includes(String(Object.values(e.input as object)[0]).slice(0, 40))) return null;
  const max = opts.full ? Number.POSITIVE_INFINITY : 200;
  return json.length > max ? `${json.slice(0, max - 1)}…` : json;
}

/** One entry as the lines `flotilla logs` prints. */
export function formatEntry(e: ConversationEntry, opts: FormatOptions): string[] {
  const { style } = opts;
  const text = cleanText(e.text);
  const block = (first: string, body: string, color: Parameters<typeof paint>[1] | null) => {
    const { lines, note } = clipped(body, opts, e.fullChars ?? 0);
    const out = lines.map((l, i) => (i === 0 ? `${first}${l}` : `${' '.repeat(first.length)}${l}`));
    if (out.length === 0) out.push(first.trimEnd());
    if (note) out.push(paint(style, 'dim', `${' '.repeat(first.length)}${note}`));
    return color ? out.map((l) => paint(style, color, l)) : out;
  };
  switch (e.kind) {
    case 'prompt':
      return ['', ...block(`${paint(style, 'cyan', '❯')} `, text, null)];
    case 'text':
      return block('● ', text, null);
    case 'tool_call': {
      const out = [`${paint(style, 'green', '●')} ${paint(style, 'bold', text)}`];
      const input = inputLine(e, opts);
      if (input) out.push(paint(style, 'dim', `${INDENT}input: ${input}`));
      return out;
    }
    case 'tool_result': {
      const head = e.isError ? `  ⎿ ${paint(style, 'red', 'error:')} ` : '  ⎿ ';
      if (text.trim() === '') return [`${head}${paint(style, 'dim', '(no output)')}`];
      const { lines, note } = clipped(text, opts, e.fullChars ?? 0);
      const out = lines.map((l, i) => (i === 0 ? `${head}${l}` : `${INDENT}${l}`));
      if (note) out.push(paint(style, 'dim', `${INDENT}${note}`));
      return out;
    }
    case 'error':
      return block(`${paint(style, 'red', '✗')} `, text, 'red');
    case 'turn_end': {
      const figures = turnFigures(e);
      return [paint(style, 'dim', `── ${text}${figures ? ` · ${figures}` : ''} ──`)];
    }
    case 'session':
      return [paint(style, 'dim', `── ${text.split('\n')[0]} ──`)];
  }
}

/** A page as text (entries in order). */
export function formatEntries(entries: readonly ConversationEntry[], opts: FormatOptions): string {
  return entries.flatMap((e) => formatEntry(e, opts)).join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogsOptions {
  lines: string;
  follow?: boolean;
  raw?: boolean;
  full?: boolean;
  json?: boolean;
}

export function registerLogsCommand(program: Command, run: Runner): void {
  program
    .command('logs')
    .description(
      "an agent's conversation: prompts, replies, tool calls and results, errors, turn ends with token usage (--raw: its terminal)",
    )
    .argument('<agent>', 'agent id or unique prefix')
    .option('-n, --lines <n>', 'how many entries (with --raw: screen lines)', '100')
    .option('-f, --follow', 'keep printing new entries until Ctrl-C')
    .option('--full', 'print tool results and long texts whole')
    .option(
      '--raw',
      'the terminal instead: its output played through a terminal emulator, as the lines that were on screen',
    )
    .option('--json', 'print the entries as JSON (with -f: one entry per line)')
    .action((id: string, opts: LogsOptions, cmd: Command) => run(cmd, (ctx) => logs(ctx, id, opts)));
}

async function logs(ctx: CliContext, id: string, opts: LogsOptions): Promise<void> {
  const client = await clientFor(ctx);
  const count = parsePositiveInt(opts.lines, '--lines');
  if (opts.raw) return rawLogs(ctx, id, count, opts);
  let page: ConversationPage = await client.conversation(id, { limit: Math.min(count, 1000) });
  const format: FormatOptions = { style: ctx.style, full: Boolean(opts.full), agentId: page.agentId };
  if (page.source === 'none') {
    // Nothing readable: say so, and show the terminal the way a person saw it.
    ctx.info(`${page.note ?? 'no conversation'}; showing its terminal (--raw)`);
    return rawLogs(ctx, id, count, opts);
  }
  if (opts.json && !opts.follow) return ctx.json(page);
  const print = (entries: ConversationEntry[]) => {
    if (entries.length === 0) return;
    if (opts.json) for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
    else ctx.out(formatEntries(entries, format));
  };
  if (page.entries.length === 0 && page.note) ctx.info(page.note);
  if (page.total > page.entries.length && !opts.json) {
    ctx.info(`(${page.total - page.entries.length} earlier entries not shown: -n ${page.total} shows them)`);
  }
  print(page.entries);
  if (!opts.follow) return;
  let after = page.entries.at(-1)?.seq ?? page.total - 1;
  for (;;) {
    await sleep(500);
    page = await client.conversation(id, { after, limit: 1000 });
    print(page.entries);
    after = page.entries.at(-1)?.seq ?? Math.min(after, page.total - 1);
  }
}

async function rawLogs(ctx: CliContext, id: string, lines: number, opts: LogsOptions): Promise<void> {
  const client = await clientFor(ctx);
  const read = async () => (await client.logs(id, lines, true)).text;
  let prev = (await read()).split('\n');
  if (opts.json && !opts.follow) return ctx.json({ agentId: id, lines: prev });
  const print = (l: string[]) => {
    if (l.length === 0) return;
    if (opts.json) for (const line of l) process.stdout.write(`${JSON.stringify({ line })}\n`);
    else ctx.out(l.join('\n'));
  };
  print(prev.filter((l, i) => l !== '' || i < prev.length - 1));
  if (!opts.follow) return;
  for (;;) {
    await sleep(1000);
    const cur = (await read()).split('\n');
    print(freshLines(prev, cur));
    prev = cur;
  }
}

/** Lines of `cur` after the longest end of `prev` that `cur` starts with (a screen that grew). */
function freshLines(prev: string[], cur: string[]): string[] {
  for (let overlap = Math.min(prev.length, cur.length); overlap > 0; overlap--) {
    let same = true;
    for (let i = 0; i < overlap; i++) {
      if (prev[prev.length - overlap + i] !== cur[i]) {
        same = false;
        break;
      }
    }
    if (same) return cur.slice(overlap);
  }
  return cur;
}
