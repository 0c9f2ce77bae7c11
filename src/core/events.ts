import type { FlotillaEvent, StoredActor } from '../domain/event.js';
import type { Store } from '../store/index.js';

/** A query of the audit trail: agent and task may be id prefixes. */
export interface EventQuery {
  agent?: string | undefined;
  task?: string | undefined;
  repo?: string | undefined;
  /** Who wrote it, exactly (`user`, `agent:<id>`). */
  actor?: StoredActor | undefined;
  types?: FlotillaEvent['type'][] | undefined;
  /** Only events with a greater id. */
  after?: number | undefined;
  /** Only events with a smaller id. */
  before?: number | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  order?: 'asc' | 'desc' | undefined;
}

/** The audit trail: events by agent, task, repo, actor, type or time, paginated by id. */
export class EventService {
  constructor(private readonly store: Store) {}

  async query(q: EventQuery = {}): Promise<FlotillaEvent[]> {
    const agentId = q.agent ? (await this.store.agents.resolve(q.agent)).id : undefined;
    const taskId = q.task ? (await this.store.tasks.resolve(q.task)).id : undefined;
    return this.store.events.list({
      ...(agentId ? { agentId } : {}),
      ...(taskId ? { taskId } : {}),
      ...(q.repo ? { repoId: q.repo } : {}),
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.types ? { types: q.types } : {}),
      ...(q.after !== undefined ? { afterId: q.after } : {}),
      ...(q.before !== undefined ? { beforeId: q.before } : {}),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.order ? { order: q.order } : {}),
    });
  }
}
