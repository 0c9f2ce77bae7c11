import type { Command } from 'commander';
import { FlotillaError } from '../../domain/errors.js';
import type { FlotillaEvent } from '../../domain/event.js';
import { clientFor, type Runner } from '../context.js';
import { paint, table } from '../output.js';
import { collect, parsePositiveInt } from '../parse.js';

interface EventsOptions {
  agent?: string;
  task?: string;
  type?: string[];
  actor?: string;
  since?: string;
  limit?: string;
  json?: boolean;
}

const DEFAULT_LIMIT = 50;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: an age (`30s`, `10m`, `2h`, `1d`) or an ISO-8601 UTC time, as the API takes it.
 * A date alone (`2026-12-07`) means its midnight UTC.
 */
export function sinceTime(input: string, now: number = Date.now()): string {
  const text = input.trim();
  const rel = /^(\d+)\s*([smhd])$/.exec(text);
  if (rel) return new Date(now - Number(rel[1]) * (UNIT_MS[rel[2] as string] ?? 0)).toISOString();
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(at)) {
    throw new FlotillaError('INVALID_INPUT', `--since '${input}' is neither an age nor a time`, {
      hint: 'give an age such as 10m, 2h or 1d, or a time such as 2026-12-07T09:30:00Z',
    });
  }
  return new Date(at).toISOString();
}

/** `2026-12-07 09:30:01`: the stored UTC time, to the second. */
const shortTime = (ts: string): string => ts.replace('T', ' ').slice(0, 19);

/** The payload on one line, `key=value` each, strings bare and the rest as JSON. */
export function payloadSummary(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** `flotilla events`: the audit trail (GET /api/v1/events), newest last. */
export function registerEventsCommand(program: Command, run: Runner): void {
  program
    .command('events')
    .description('the audit trail: what happened, when and by whom (newest last)')
    .option('--agent <id>', 'only events of this agent (id or prefix)')
    .option('--task <id>', 'only events of this task (id or prefix)')
    .option(
      '--type <type>',
      'only events of this type, e.g. task.moved (repeatable, or a comma list)',
      collect,
    )
    .option(
      '--actor <actor>',
      'only events by this actor: user, api, daemon, supervisor, hook, scheduler, agent:<id>…',
    )
    .option('--since <when>', 'only events since this long ago (10m, 2h, 1d) or since this ISO time')
    .option('-n, --limit <n>', `show at most the last <n> events (default ${DEFAULT_LIMIT})`)
    .option('--json', 'print one JSON event per line')
    .action((opts: EventsOptions, cmd: Command) =>
      run(cmd, async (ctx) => {
        const limit = opts.limit === undefined ? DEFAULT_LIMIT : parsePositiveInt(opts.limit, '--limit');
        // Newest first from the API, so that a limit keeps the latest; shown oldest first.
        const query: Record<string, string> = { order: 'desc', limit: String(limit) };
        if (opts.agent !== undefined) query.agent = opts.agent;
        if (opts.task !== undefined) query.task = opts.task;
        if (opts.type !== undefined && opts.type.length > 0) query.type = opts.type.join(',');
        if (opts.actor !== undefined) query.actor = opts.actor;
        if (opts.since !== undefined) query.since = sinceTime(opts.since);
        const { events } = await (await clientFor(ctx)).events(query);
        const shown = [...events].reverse();
        if (opts.json) return ctx.jsonLines(shown);
        if (shown.length === 0) return ctx.out('No events match.');
        ctx.out(eventTable(shown, ctx.style));
      }),
    );
}

function eventTable(events: readonly FlotillaEvent[], style: { color: boolean }): string {
  return table(
    events,
    [
      { header: 'ID', value: (e) => String(e.id), align: 'right' },
      { header: 'TIME', value: (e) => shortTime(e.ts) },
      { header: 'TYPE', value: (e) => paint(style, 'cyan', e.type) },
      { header: 'ACTOR', value: (e) => e.actor, max: 24 },
      { header: 'AGENT', value: (e) => e.agentId ?? '-' },
      { header: 'TASK', value: (e) => e.taskId ?? '-' },
      { header: 'DETAILS', value: (e) => payloadSummary(e.data), max: 80 },
    ],
    style,
  );
}
