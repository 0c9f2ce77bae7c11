/**
 * Which agents wait for the user, and which started waiting since the last look. Shared by
 * the fleet's screen-reader announcements and the app-wide title counter and notifications.
 */
import type { AgentStatus, AgentView } from '../api/types.js';
import { ATTENTION } from '../components/StatusBadge.js';

const PHRASE: Partial<Record<AgentStatus, string>> = {
  needs_permission: 'needs your permission',
  needs_input: 'needs your input',
};

export function isWaiting(status: AgentStatus): boolean {
  return ATTENTION.includes(status);
}

/** An agent that entered a waiting status between two fleet snapshots, in words. */
export interface Waiting {
  agent: AgentView;
  text: string;
}

export function newlyWaiting(
  before: ReadonlyMap<string, AgentStatus>,
  agents: readonly AgentView[],
): Waiting[] {
  const out: Waiting[] = [];
  for (const agent of agents) {
    const phrase = PHRASE[agent.status];
    if (!phrase || before.get(agent.id) === agent.status) continue;
    out.push({ agent, text: `Agent ${agent.id}${agent.taskTitle ? ` (${agent.taskTitle})` : ''} ${phrase}` });
  }
  return out;
}

/** Statuses by agent id: the snapshot `newlyWaiting` compares against. */
export function snapshot(agents: readonly AgentView[]): Map<string, AgentStatus> {
  return new Map(agents.map((a) => [a.id, a.status]));
}
