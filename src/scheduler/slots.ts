import type { Agent } from '../domain/agent.js';
import { LIVE_AGENT_STATUSES } from '../domain/values.js';

/** An unfinished dependency, as the BLOCKED error and `up` name it. */
export interface Blocker {
  id: string;
  title: string;
  status: string;
}

/** A `restarting` agent is coming back: it keeps its slot under the concurrency limit. */
const OCCUPYING: readonly string[] = [...LIVE_AGENT_STATUSES, 'restarting'];
export const holdsSlot = (a: Pick<Agent, 'status'>): boolean => OCCUPYING.includes(a.status);

/** `"Title" (id, status), …`: enough to find each one and see why it holds the task back. */
export const describeBlockers = (blockers: readonly Blocker[]): string =>
  blockers.map((b) => `"${b.title}" (${b.id}, ${b.status})`).join(', ');
