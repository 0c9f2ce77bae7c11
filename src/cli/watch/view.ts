/**
 * What `flotilla ps --watch` draws, as a pure function of the agents and the selection: waiting
 * agents first (they cost the user time), each with what it asks; the selected one with the keys
 * that act on it. Agent text is neutralised and cut to the terminal's width before it is painted,
 * so nothing an agent prints can move the cursor, retitle the terminal or spill onto a second row.
 */

import type { AgentStatus } from '../../domain/agent.js';
import type { AgentView } from '../../domain/agent-view.js';
import { AGENT_STATUS_RANK, WAITING_AGENT_STATUSES } from '../../domain/values.js';
import { agentNote } from '../agent-notes.js';
import { age, neutralise, paint, type Style, visibleLength } from '../output.js';

/** Statuses that wait for the user (one list for the CLI and the dashboard). */
export const WAITING_STATUSES = WAITING_AGENT_STATUSES;

const RANK = AGENT_STATUS_RANK;

/** Agents in the order the watch shows them; ties keep the longest-waiting first, then by id. */
export function watchOrder(agents: readonly AgentView[]): AgentView[] {
  return [...agents].sort(
    (a, b) =>
      (RANK[a.status] ?? 9) - (RANK[b.status] ?? 9) ||
      a.statusSince.localeCompare(b.statusSince) ||
      a.id.localeCompare(b.id),
  );
}

/** One line of agent text: controls neutralised, whitespace runs (newlines too) folded to a space. */
export function cleanText(text: string): string {
  return neutralise(text.replace(/\s+/g, ' ').trim());
}

/** Cut to `width` visible characters (with an ellipsis), counting code points. */
export function cut(text: string, width: number): string {
  const chars = [...text];
  if (width <= 0) return '';
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text;
}

export interface WatchFrame {
  agents: readonly AgentView[];
  selectedId: string | null;
  /** A line about the last action or the connection, shown above the key help. */
  message: string | null;
  connected: boolean;
  width: number;
  height: number;
  style: Style;
  now?: number;
}

const STATUS_COLOR = {
  needs_permission: 'red',
  needs_input: 'yellow',
  working: 'green',
  starting: 'blue',
  restarting: 'magenta',
  rate_limited: 'magenta',
  idle: 'gray',
  crashed: 'red',
  exited: 'gray',
  stopped: 'gray',
} as const satisfies Record<AgentStatus, string>;

/** The frame's lines, each at most `width` visible characters. */
export function renderWatch(f: WatchFrame): string[] {
  const { style, width } = f;
  const ordered = watchOrder(f.agents);
  const waiting = ordered.filter((a) => WAITING_STATUSES.includes(a.status)).length;
  const lines: string[] = [];
  const head =
    `flotilla · ${ordered.length} agent${ordered.length === 1 ? '' : 's'}` +
    (waiting > 0 ? ` · ${waiting} need${waiting === 1 ? 's' : ''} you` : '') +
    (f.connected ? '' : ' · reconnecting…');
  lines.push(paint(style, waiting > 0 ? 'yellow' : 'bold', cut(head, width)));
  lines.push('');
  if (ordered.length === 0) lines.push('No agents. Start one: flotilla start <task>  (or: flotilla up)');
  const selected = ordered.find((a) => a.id === f.selectedId) ?? null;
  // Rows for agents; the detail of the selected one and the footer take the bottom lines.
  const footerLines = 5;
  const room = Math.max(1, f.height - lines.length - footerLines);
  const start = Math.max(
    0,
    Math.min(ordered.findIndex((a) => a.id === f.selectedId) - room + 1, ordered.length - room),
  );
  for (const a of ordered.slice(start, start + room)) {
    const mark = a.id === f.selectedId ? '›' : ' ';
    const status = a.status.padEnd(16);
    const since = age(a.statusSince, f.now).padStart(4);
    const fixed = `${mark} ${a.id}  ${status} ${since}  `;
    const note = cleanText(`${a.taskTitle ?? a.taskId}: ${agentNote(a)}`);
    const rest = cut(note, width - visibleLength(fixed));
    const color = STATUS_COLOR[a.status] ?? 'gray';
    const painted = `${mark} ${paint(style, 'cyan', a.id)}  ${paint(style, color, status)} ${since}  ${rest}`;
    lines.push(a.id === f.selectedId ? paint(style, 'bold', painted) : painted);
  }
  lines.push('');
  if (selected) {
    const p = selected.pendingPermission;
    const asks =
      selected.status === 'needs_permission' && p
        ? `asks to run ${p.tool}${p.subject === null ? '' : `: ${p.subject}`}`
        : selected.status === 'needs_input'
          ? (selected.statusDetail ?? selected.lastMessage ?? '')
          : (selected.lastMessage ?? selected.statusDetail ?? '');
    lines.push(cut(`${selected.id} · ${cleanText(selected.branch)}`, width));
    lines.push(cut(cleanText(asks), width));
  } else {
    lines.push('', '');
  }
  lines.push(f.message === null ? '' : cut(cleanText(f.message), width));
  const keys =
    selected?.status === 'needs_permission'
      ? 'y approve · n deny · a attach · ↑↓ select · q quit'
      : 'a attach · ↑↓ select · q quit';
  lines.push(paint(style, 'dim', cut(keys, width)));
  return lines;
}
