import type { Agent, AgentStatus, StatusSource } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import { KeyedMutex } from '../proc/keyed-mutex.js';

/**
 * The per-agent state machine. Every status change goes through here: it is checked against
 * the transition table, serialized with every other change of the same agent, and persisted
 * through `agents.setStatus` (which appends `agent.status_changed` with its time and source; the
 * store hands the committed event to the bus). A signal that arrives too late to matter (a
 * hook fired by a process we already saw die) is dropped rather than resurrecting the agent.
 */

const LIVE: readonly AgentStatus[] = ['working', 'needs_input', 'needs_permission', 'idle'];
const ENDINGS: readonly AgentStatus[] = ['exited', 'stopped', 'crashed', 'restarting'];

/** Allowed transitions: from → the statuses it may move to. */
export const TRANSITIONS: Readonly<Record<AgentStatus, readonly AgentStatus[]>> = {
  starting: [...LIVE, 'rate_limited', ...ENDINGS],
  working: [...LIVE, 'rate_limited', ...ENDINGS],
  needs_input: [...LIVE, 'rate_limited', ...ENDINGS],
  needs_permission: [...LIVE, 'rate_limited', ...ENDINGS],
  idle: [...LIVE, 'rate_limited', ...ENDINGS],
  // Waiting out a limit, alive (the TUI at its prompt, Claude Code retrying) or not (a headless
  // run that gave up): back to work, or relaunched at the reset, or ended.
  rate_limited: [...LIVE, ...ENDINGS],
  // A finished agent may be restarted (by policy `always` or a user), or its pending restart
  // cancelled by a user's stop.
  exited: ['restarting', 'stopped'],
  stopped: ['restarting'],
  crashed: ['restarting', 'stopped'],
  // A relaunch either starts, fails (crashed), or is cancelled by a user's stop.
  restarting: ['starting', 'crashed', 'stopped'],
};

export function canTransition(from: AgentStatus, to: AgentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** True for the statuses in which the agent process should be running. */
export function isLive(status: AgentStatus): boolean {
  return status === 'starting' || status === 'rate_limited' || LIVE.includes(status);
}

/** The store operations the machine needs (the real `Store` has them). */
export interface MachineStore {
  agents: {
    get(id: string): Promise<Agent | null>;
    setStatus(
      id: string,
      status: AgentStatus,
      source: StatusSource,
      actor: Actor,
      detail?: string,
    ): Promise<Agent>;
  };
}

/** Result of a transition attempt. */
export interface TransitionResult {
  agent: Agent;
  /** The status changed (false: same status, or a transition the table forbids). */
  changed: boolean;
  /** Set when the table forbade it. */
  rejected?: string;
}

/**
 * Persists an allowed status change and returns the agent after it. The default is
 * `agents.setStatus`; a hook's change is written in the hook line's own transaction instead.
 */
export type StatusWriter = (
  to: AgentStatus,
  source: StatusSource,
  actor: Actor,
  detail: string | undefined,
) => Promise<Agent | null>;

/** A handle valid only inside `AgentMachines.run` for one agent: the lock is held. */
export interface HeldAgent {
  readonly agent: Agent;
  /** Move to `to`; forbidden transitions are reported in the result, not thrown. */
  set(
    to: AgentStatus,
    source: StatusSource,
    detail?: string,
    actor?: Actor,
    write?: StatusWriter,
  ): Promise<TransitionResult>;
  /** Re-read the row (after a change made by other store calls inside the lock). */
  refresh(): Promise<Agent>;
}

export function actorFor(source: StatusSource): Actor {
  if (source === 'hook') return 'hook';
  if (source === 'user') return 'user';
  return 'supervisor';
}

/** All agents' machines: a lock per agent plus the transition rules. */
export class AgentMachines {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly store: MachineStore,
    private readonly onRejected?: (
      agentId: string,
      from: AgentStatus,
      to: AgentStatus,
      source: StatusSource,
    ) => void,
  ) {}

  /** Runs `fn` with the agent's lock held. Do not call `run`/`transition` for the same agent inside. */
  run<T>(agentId: string, fn: (held: HeldAgent) => Promise<T>): Promise<T> {
    return this.mutex.run(agentId, async () => {
      let agent = await this.require(agentId);
      const held: HeldAgent = {
        get agent() {
          return agent;
        },
        set: async (to, source, detail, actor, write) => {
          const result = await this.apply(agent, to, source, detail, actor, write);
          agent = result.agent;
          return result;
        },
        refresh: async () => {
          agent = await this.require(agentId);
          return agent;
        },
      };
      return fn(held);
    });
  }

  /** One serialized status change. */
  transition(
    agentId: string,
    to: AgentStatus,
    source: StatusSource,
    detail?: string,
    actor?: Actor,
  ): Promise<TransitionResult> {
    return this.run(agentId, (held) => held.set(to, source, detail, actor));
  }

  private async apply(
    agent: Agent,
    to: AgentStatus,
    source: StatusSource,
    detail: string | undefined,
    actor: Actor | undefined,
    write?: StatusWriter,
  ): Promise<TransitionResult> {
    if (agent.status === to) return { agent, changed: false };
    if (!canTransition(agent.status, to)) {
      this.onRejected?.(agent.id, agent.status, to, source);
      return { agent, changed: false, rejected: `${agent.status} → ${to} is not a valid transition` };
    }
    const by = actor ?? actorFor(source);
    const updated = write
      ? ((await write(to, source, by, detail)) ?? (await this.require(agent.id)))
      : await this.store.agents.setStatus(agent.id, to, source, by, detail);
    return { agent: updated, changed: true };
  }

  private async require(agentId: string): Promise<Agent> {
    const agent = await this.store.agents.get(agentId);
    if (!agent)
      throw new FlotillaError('NOT_FOUND', `agent '${agentId}' not found`, {
        hint: 'list agents with: flotilla ps --all',
      });
    return agent;
  }
}

/**
 * The `source` of a status a request caused: `user` (an explicit control: stop, restart, an
 * answer, a message) whoever asked for it — the event's actor says who — and `supervisor` when
 * the supervisor decided by itself (a limit's stop or restart).
 */
export function requestSource(actor: Actor): StatusSource {
  return actor === 'supervisor' ? 'supervisor' : 'user';
}
