import type { StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import type { AgentFacts } from '../store/agents.js';
import type { SupervisorContext } from './context.js';

/**
 * Keeps what a status is about with the agent, after the signal was applied: the last message a
 * turn ended with, the permission request a dialog asks about, and a fresher detail for the same
 * status (the next tool call while `working`). A status change already stored its own detail and
 * closed any request (agents.setStatus); this adds what the change itself does not carry.
 */
export async function recordStatusFacts(
  ctx: SupervisorContext,
  agent: Agent,
  signal: StatusSignal,
  changed: boolean,
): Promise<void> {
  const facts: AgentFacts = {};
  if (signal.lastMessage !== undefined && signal.lastMessage !== agent.lastMessage) {
    facts.lastMessage = signal.lastMessage;
  }
  if (agent.status === signal.status) {
    if (!changed && signal.detail !== undefined && signal.detail !== agent.statusDetail) {
      facts.statusDetail = signal.detail;
    }
    if (signal.status === 'needs_permission' && signal.permission !== undefined) {
      facts.pendingPermission = { ...signal.permission, requestedAt: new Date(ctx.now()).toISOString() };
    }
  }
  await ctx.store.agents.setFacts(agent.id, facts);
}
