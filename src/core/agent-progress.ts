import type { AgentProgress } from '../domain/agent-tools.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../store/index.js';

/**
 * Each agent's latest progress line (its `report_progress` tool, an `agent.progress` event), for
 * its view: the card shows it. The log is the truth; this keeps the newest line per agent in
 * memory, learned from the bus as lines are reported and read once from the log for an agent
 * first seen after a daemon start (one indexed query per agent, then never again).
 */
export class ProgressLines {
  private readonly latest = new Map<string, AgentProgress | null>();

  constructor(
    private readonly store: Store,
    bus: EventBus,
  ) {
    bus.subscribe({ types: ['agent.progress'], liveOnly: true }, (event) => {
      if (event.type !== 'agent.progress' || event.agentId === null) return;
      this.latest.set(event.agentId, { text: event.data.text, at: event.ts });
    });
  }

  /** The latest line of each agent (null: none reported), reading the log for the unknown ones. */
  async of(agentIds: readonly string[]): Promise<Map<string, AgentProgress | null>> {
    const unknown = agentIds.filter((id) => !this.latest.has(id));
    await Promise.all(
      unknown.map(async (agentId) => {
        const [event] = await this.store.events.list({
          agentId,
          types: ['agent.progress'],
          order: 'desc',
          limit: 1,
        });
        // A line the bus delivered meanwhile is newer than what the query read.
        if (this.latest.has(agentId)) return;
        const text = event?.type === 'agent.progress' ? event.data.text : undefined;
        this.latest.set(agentId, event && typeof text === 'string' ? { text, at: event.ts } : null);
      }),
    );
    return new Map(agentIds.map((id) => [id, this.latest.get(id) ?? null]));
  }
}
