import { HealthState } from './state/health.js';
import { RunState } from './state/run.js';
import { ScreenState } from './state/screen.js';
import { StreamState } from './state/stream.js';
import { Wakeups } from './state/wakeups.js';

/**
 * What the supervisor knows about a running agent that is not worth a database write, split by
 * concern, each part written only through its own methods by the module that owns it:
 *
 * | part | owner | what |
 * | --- | --- | --- |
 * | `run` | lifecycle (launch, relaunch, stop, death) | launch generation, stopping, pending prompt, run end, last words |
 * | `screen` | pane-watch.ts | tmux activity, captures, debounced classification, last line |
 * | `health` | health.ts | last sign of life, warnings given, vanished worktree, resource samples |
 * | `stream` | stream-watch.ts | stream-line offset, carry, usage totals |
 * | `wakeups` | lifecycle.ts | restart and usage-limit resume timers |
 *
 * Lost on a daemon restart by design: reconciliation rebuilds it from tmux, the store and the
 * hook files.
 */
export interface AgentRuntime {
  readonly run: RunState;
  readonly screen: ScreenState;
  readonly health: HealthState;
  readonly stream: StreamState;
  readonly wakeups: Wakeups;
  /** The parts built so far, for readers that must not build one just to find it empty. */
  readonly built: BuiltParts;
}

export interface BuiltParts {
  readonly screen?: ScreenState | undefined;
  readonly health?: HealthState | undefined;
  readonly wakeups?: Wakeups | undefined;
}

/**
 * One agent's parts, each built the first time it is used: a custom command never reads stream
 * lines nor waits out a usage limit, and starting an agent need not build what it will not use.
 */
class AgentParts implements AgentRuntime {
  #run?: RunState;
  #screen?: ScreenState;
  #health?: HealthState;
  #stream?: StreamState;
  #wakeups?: Wakeups;

  /** `createdAt`: when the supervisor first heard of the agent (its health starts there). */
  constructor(private readonly createdAt: number) {}

  get run(): RunState {
    this.#run ??= new RunState();
    return this.#run;
  }
  get screen(): ScreenState {
    this.#screen ??= new ScreenState();
    return this.#screen;
  }
  get health(): HealthState {
    this.#health ??= new HealthState(this.createdAt);
    return this.#health;
  }
  get stream(): StreamState {
    this.#stream ??= new StreamState();
    return this.#stream;
  }
  get wakeups(): Wakeups {
    this.#wakeups ??= new Wakeups();
    return this.#wakeups;
  }
  get built(): BuiltParts {
    return { screen: this.#screen, health: this.#health, wakeups: this.#wakeups };
  }
}

export class RuntimeTable {
  private readonly byAgent = new Map<string, AgentParts>();

  constructor(private readonly now: () => number) {}

  get(agentId: string): AgentRuntime {
    let rt = this.byAgent.get(agentId);
    if (!rt) {
      rt = new AgentParts(this.now());
      this.byAgent.set(agentId, rt);
    }
    return rt;
  }

  peek(agentId: string): AgentRuntime | undefined {
    return this.byAgent.get(agentId);
  }

  /** Forgets an agent, cancelling its timers. */
  delete(agentId: string): void {
    this.byAgent.get(agentId)?.built.wakeups?.cancel();
    this.byAgent.delete(agentId);
  }

  ids(): string[] {
    return [...this.byAgent.keys()];
  }

  /** Cancels every timer (daemon shutdown); the state stays for inspection. */
  clearAllTimers(): void {
    for (const rt of this.byAgent.values()) rt.built.wakeups?.cancel(false);
  }
}
