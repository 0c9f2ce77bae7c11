import type { Agent } from '../domain/agent.js';
import type { AgentProgress } from '../domain/agent-tools.js';
import { type AgentView, RESOURCE_HISTORY } from '../domain/agent-view.js';
import { LIVE_AGENT_STATUSES } from '../domain/values.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../store/index.js';
import type { Supervisor } from '../supervisor/index.js';
import { ProgressLines } from './agent-progress.js';

/**
 * Agent views (the row plus what the supervisor knows live: figures, last output, kind, resume
 * time, warning; and the agent's latest progress line) and the cache of the agent list, which dashboards and `ps` loops read far more
 * often than it changes.
 */
export class AgentViews {
  private changes = 0;
  private readonly listCache = new Map<boolean, { at: number; builtAt: number; views: AgentView[] }>();
  private readonly progress: ProgressLines;

  constructor(
    private readonly store: Store,
    private readonly supervisor: () => Supervisor,
    private readonly tmuxSocket: () => string,
    bus: EventBus,
  ) {
    // Every change to an agent or task row appends an event in the same transaction, and the
    // bus hands each committed event on (at once for this process's own writes), so a counter
    // bumped per event says exactly when the cached list is stale.
    bus.subscribe({ liveOnly: true }, () => {
      this.changes++;
    });
    this.progress = new ProgressLines(store, bus);
  }

  /** CPU and memory are sampled every few seconds: a list may be reused for up to a second; a
   * status change never is (it bumps the counter). */
  static readonly FIGURES_MAX_AGE_MS = 1_000;

  /** The agent list as `GET /agents` answers it (all: removed ones too), from the cache when fresh. */
  async list(all: boolean): Promise<AgentView[]> {
    const hit = this.listCache.get(all);
    if (hit && hit.at === this.changes && Date.now() - hit.builtAt < AgentViews.FIGURES_MAX_AGE_MS)
      return hit.views;
    const at = this.changes;
    const built = await this.of(await this.supervisor().list({ all }));
    this.listCache.set(all, { at, builtAt: Date.now(), views: built });
    return built;
  }

  /** Views of many agents with one query for their task titles (not one per agent). */
  async of(agents: Agent[]): Promise<AgentView[]> {
    const [titles, progress] = await Promise.all([
      this.store.tasks.titles([...new Set(agents.map((a) => a.taskId))]),
      this.progress.of(agents.map((a) => a.id)),
    ]);
    return agents.map((a) => this.withFigures(a, titles.get(a.taskId) ?? null, progress.get(a.id) ?? null));
  }

  async one(agent: Agent): Promise<AgentView> {
    return (await this.of([agent]))[0] as AgentView;
  }

  private withFigures(agent: Agent, taskTitle: string | null, progress: AgentProgress | null): AgentView {
    const sup = this.supervisor();
    // A stopped or crashed agent has no process tree: old samples would mislead.
    const live = (LIVE_AGENT_STATUSES as readonly string[]).includes(agent.status);
    const samples = live ? sup.resources(agent.id).samples.slice(-RESOURCE_HISTORY) : [];
    const latest = samples.at(-1) ?? null;
    // The CPU figure is null on the first sample after a (re)start: dropped, since a 0 would
    // draw a dip that never happened. Memory is always measured.
    const cpuHistory: number[] = [];
    for (const s of samples) if (s.cpuPercent !== null) cpuHistory.push(s.cpuPercent);
    return {
      ...agent,
      taskTitle,
      cpuPercent: latest?.cpuPercent ?? null,
      rssBytes: latest?.rssBytes ?? null,
      cpuHistory,
      rssHistory: samples.map((s) => s.rssBytes),
      lastOutput: sup.lastOutput(agent.id),
      kind: sup.kindOf(agent),
      resumeAt: sup.resumeAt(agent.id),
      tmuxSocket: this.tmuxSocket(),
      warning: sup.warning(agent.id),
      progress,
    };
  }
}
