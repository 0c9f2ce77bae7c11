/**
 * What each event on an agent's timeline says, in one line: pure functions over the events the
 * daemon records (see src/store/agents.ts, src/supervisor/hook-events.ts, relaunch.ts and
 * health-events.ts for the shapes of their `data`).
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
  const d = event.data;
  const base = { id: event.id, ts: event.ts };
  switch (event.type) {
    case 'agent.status_changed': {
      const from = str(d.from);
      const to = str(d.to);
      const source = str(d.source);
      // The raw status words, as the API and CLI spell them, so they can be searched for.
      const word = (s: string | null) => s ?? '?';
      return {
        ...base,
        kind: 'Status',
        tone: statusTone(to),
        text: `${word(from)} → ${word(to)}${source ? ` (${source})` : ''}`,
        detail: str(d.detail),
      };
    }
    case 'agent.hook': {
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
      const n = typeof d.restartCount === 'number' ? ` #${d.restartCount}` : '';
      const reason = str(d.reason);
      return {
        ...base,
        kind: 'Restart',
        tone: 'info',
        text: `Restarted${n}${reason ? `: ${reason}` : ''}`,
        detail: d.resume === true && str(d.sessionId) ? `resumed session ${str(d.sessionId)}` : null,
      };
    }
    case 'agent.health': {
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
    case 'agent.created':
      return { ...base, kind: 'Created', tone: 'info', text: 'Agent created', detail: null };
    case 'agent.removed':
      return { ...base, kind: 'Removed', tone: 'muted', text: 'Agent removed', detail: null };
    case 'agent.updated': {
      const changes = d.changes && typeof d.changes === 'object' ? Object.keys(d.changes) : [];
      return {
        ...base,
        kind: 'Updated',
        tone: 'muted',
        text: changes.length ? `Updated ${changes.join(', ')}` : 'Updated',
        detail: null,
      };
    }
    default:
      return { ...base, kind: event.type, tone: 'muted', text: str(d.message) ?? event.type, detail: null };
  }
}
