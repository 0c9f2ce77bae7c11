import type { StatusSignal } from '../agents/types.js';
import type { Agent, AgentStatus } from '../domain/agent.js';
import type { AgentFacts } from '../store/agents.js';

/**
 * What a status is about, kept with the agent: the last message a turn ended with, the
 * permission request a dialog asks about, and a fresher detail for the same status (the next
 * tool call while `working`). A status change already stores its own detail and closes any
 * request (agents.setStatus); these are what the change itself does not carry. Pure, so the
 * facts can be written in the same transaction as the change (a hook's, see hook-events.ts).
 *
 * `before` is the agent before the signal; `after` the status it has once the signal applied.
 */
export function statusFacts(
  before: Pick<Agent, 'status' | 'statusDetail' | 'lastMessage'>,
  after: AgentStatus,
  signal: StatusSignal,
  at: number,
): AgentFacts {
  const changed = after !== before.status;
  const facts: AgentFacts = {};
  if (signal.lastMessage !== undefined && signal.lastMessage !== before.lastMessage) {
    facts.lastMessage = signal.lastMessage;
  }
  if (after === signal.status) {
    if (!changed && signal.detail !== undefined && signal.detail !== before.statusDetail) {
      facts.statusDetail = signal.detail;
    }
    if (signal.status === 'needs_permission' && signal.permission !== undefined) {
      facts.pendingPermission = { ...signal.permission, requestedAt: new Date(at).toISOString() };
    }
  }
  return facts;
}

/** Whether there is anything to write. */
export function hasFacts(facts: AgentFacts): boolean {
  return Object.values(facts).some((v) => v !== undefined);
}
