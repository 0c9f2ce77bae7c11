/**
 * How the fleet is grouped, ordered and counted. Agents that wait for the user come first (the
 * longest wait on top); the rest keep their start order so cards do not jump about every second.
 */

import { AGENT_STATUS_RANK } from '../../../../src/domain/values.js';
import type { AgentStatus, AgentView } from '../../api/types.js';
import { isWaiting } from '../../attention/attention.js';

/** Statuses of an agent that will do nothing more until someone restarts it. */
export const FINISHED: readonly AgentStatus[] = ['stopped', 'exited', 'crashed'];

const RANK = AGENT_STATUS_RANK;

export function isFinished(status: AgentStatus): boolean {
  return FINISHED.includes(status);
}

/** The fleet in display order (a new array; the cached list is never mutated). */
export function sortAgents(agents: readonly AgentView[]): AgentView[] {
  return agents.slice().sort((a, b) => {
    const rank = RANK[a.status] - RANK[b.status];
    if (rank !== 0) return rank;
    // The one that has waited longest is the one to answer first.
    if (isWaiting(a.status)) return a.statusSince.localeCompare(b.statusSince) || a.id.localeCompare(b.id);
    return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  });
}

/** Live agents and finished ones, each in display order. */
export function splitFleet(agents: readonly AgentView[]): { live: AgentView[]; finished: AgentView[] } {
  const live: AgentView[] = [];
  const finished: AgentView[] = [];
  for (const a of sortAgents(agents)) (isFinished(a.status) ? finished : live).push(a);
  return { live, finished };
}

/** One part of the summary line, e.g. `{count: 2, label: 'need you', tone: 'attention'}`. */
export interface SummaryPart {
  key: string;
  count: number;
  label: string;
  tone: 'attention' | 'active' | 'calm' | 'alert';
}

const ORDER: { key: string; statuses: AgentStatus[]; label: string; tone: SummaryPart['tone'] }[] = [
  { key: 'waiting', statuses: ['needs_permission', 'needs_input'], label: 'need you', tone: 'attention' },
  { key: 'working', statuses: ['working'], label: 'working', tone: 'active' },
  { key: 'starting', statuses: ['starting', 'restarting'], label: 'starting', tone: 'active' },
  { key: 'rate_limited', statuses: ['rate_limited'], label: 'rate limited', tone: 'active' },
  { key: 'idle', statuses: ['idle'], label: 'idle', tone: 'calm' },
  { key: 'crashed', statuses: ['crashed'], label: 'crashed', tone: 'alert' },
  { key: 'exited', statuses: ['exited'], label: 'exited', tone: 'calm' },
  { key: 'stopped', statuses: ['stopped'], label: 'stopped', tone: 'calm' },
];

/** Counts by status for the line above the grid; statuses with no agent are left out. */
export function summarize(agents: readonly AgentView[]): SummaryPart[] {
  const counts = new Map<AgentStatus, number>();
  for (const a of agents) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const parts: SummaryPart[] = [];
  for (const o of ORDER) {
    const count = o.statuses.reduce((n, s) => n + (counts.get(s) ?? 0), 0);
    if (count > 0) parts.push({ key: o.key, count, label: o.label, tone: o.tone });
  }
  return parts;
}

/** Whether an agent matches the filter box (id, task title, branch or adapter). */
export function matchesFilter(agent: AgentView, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return [agent.id, agent.taskTitle ?? '', agent.branch, agent.adapter, agent.taskId].some((s) =>
    s.toLowerCase().includes(f),
  );
}
