/**
 * What each event on an agent's timeline says, in one line: pure functions over the events the
 * daemon records (their payloads are typed in src/domain/event-data.ts).
 */
import type { FlotillaEvent } from '../../api/types.js';

/** How a row reads: a kind word (never colour alone), the line, and an optional detail. */
export interface TimelineRow {
  id: number;
  ts: string;
  kind: string;
  tone: 'info' | 'warn' | 'alert' | 'ok' | 'muted';
  text: string;
  detail: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function statusTone(to: string | null): TimelineRow['tone'] {
  if (to === 'needs_permission' || to === 'needs_input') return 'warn';
  if (to === 'crashed') return 'alert';
  if (to === 'working' || to === 'starting' || to === 'restarting') return 'info';
  if (to === 'idle' || to === 'exited') return 'ok';
  return 'muted';
}

/**
 * The part of a hook's summary that describes the tool input: the daemon writes summaries as
 * "<hook> <tool>: <first line of the input>", so whatever follows "<tool>: " is the input.
 */
export function hookInputSummary(hook: string, tool: string | null, summary: string | null): string | null {
  if (!summary) return null;
  if (tool) {
    const prefix = `${hook} ${tool}: `;
    if (summary.startsWith(prefix)) return summary.slice(prefix.length) || null;
    if (summary === `${hook} ${tool}`) return null;
  }
  if (summary === hook) return null;
  return summary.startsWith(`${hook} `) ? summary.slice(hook.length + 1) : summary;
}

export function describeEvent(event: FlotillaEvent): TimelineRow {
  const base = { id: event.id, ts: event.ts };
  // Payloads narrow with `type`; `str` still guards each text, since a row written by an older
  // daemon may lack a field its type has now (the log is read as it was written).
  switch (event.type) {
    case 'agent.status_changed': {
      const d = event.data;
      const to = str(d.to);
      const source = str(d.source);
      // The raw status words, as the API and CLI spell them, so they can be searched for.
      const word = (s: string | null) => s ?? '?';
      return {
        ...base,
        kind: 'Status',
        tone: statusTone(to),
        text: `${word(str(d.from))} → ${word(to)}${source ? ` (${source})` : ''}`,
        detail: str(d.detail),
      };
    }
    case 'agent.hook': {
      const d = event.data;
      const hook = str(d.hook) ?? 'hook';
      const tool = str(d.tool_name);
      const input = hookInputSummary(hook, tool, str(d.summary));
      return {
        ...base,
        kind: 'Hook',
        tone: hook === 'Notification' ? 'warn' : 'muted',
        text: tool ? `${hook} · ${tool}` : hook,
        // A tool call is best told by its input; anything else (Notification…) by its message.
        detail: (tool ? (input ?? str(d.message)) : (str(d.message) ?? input)) ?? str(d.error),
      };
    }
    case 'agent.restarted': {
      const d = event.data;
      const n = typeof d.restartCount === 'number' ? ` #${d.restartCount}` : '';
      const reason = str(d.reason);
      const session = str(d.sessionId);
      return {
        ...base,
        kind: 'Restart',
        tone: 'info',
        text: `Restarted${n}${reason ? `: ${reason}` : ''}`,
        detail: d.resume === true && session ? `resumed session ${session}` : null,
      };
    }
    case 'agent.health': {
      const d = event.data;
      const level = str(d.level) ?? 'info';
      const check = str(d.check);
      const action = str(d.action);
      return {
        ...base,
        kind: level === 'info' ? 'Health' : `Health ${level}`,
        tone: level === 'error' ? 'alert' : level === 'warn' ? 'warn' : 'info',
        text: str(d.message) ?? check ?? 'health check',
        detail:
          [check && `check: ${check}`, action && `action: ${action}`, d.final === true && 'final']
            .filter(Boolean)
            .join(' · ') || null,
      };
    }
    case 'agent.progress':
      return {
        ...base,
        kind: 'Progress',
        tone: 'info',
        text: str(event.data.text) ?? 'progress',
        detail: null,
      };
    case 'agent.question': {
      const d = event.data;
      const phase = str(d.phase);
      return {
        ...base,
        kind: phase === 'answered' ? 'Answer' : 'Question',
        tone: phase === 'asked' ? 'warn' : phase === 'answered' ? 'ok' : 'muted',
        text: phase === 'answered' ? (str(d.answer) ?? 'answered') : (str(d.question) ?? 'a question'),
        detail:
          phase === 'answered'
            ? `to: ${str(d.question) ?? '?'}`
            : phase === 'dropped'
              ? 'dropped unanswered'
              : null,
      };
    }
    case 'agent.created':
      return { ...base, kind: 'Created', tone: 'info', text: 'Agent created', detail: null };
    case 'agent.removed':
      return { ...base, kind: 'Removed', tone: 'muted', text: 'Agent removed', detail: null };
    case 'agent.updated': {
      const { changes } = event.data;
      const keys = changes && typeof changes === 'object' ? Object.keys(changes) : [];
      return {
        ...base,
        kind: 'Updated',
        tone: 'muted',
        text: keys.length ? `Updated ${keys.join(', ')}` : 'Updated',
        detail: null,
      };
    }
    default: {
      // Every payload is a loose object, so an unlisted type (or one a newer daemon added) may
      // still carry a `message`.
      const message = str(event.data.message);
      return { ...base, kind: event.type, tone: 'muted', text: message ?? event.type, detail: null };
    }
  }
}
