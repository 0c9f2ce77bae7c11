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
}

export class RuntimeTable {
  private readonly byAgent = new Map<string, AgentRuntime>();

  constructor(private readonly now: () => number) {}

  get(agentId: string): AgentRuntime {
    let rt = this.byAgent.get(agentId);
    if (!rt) {
      rt = {
        run: new RunState(),
        screen: new ScreenState(),
        health: new HealthState(this.now()),
        stream: new StreamState(),
        wakeups: new Wakeups(),
      };
      this.byAgent.set(agentId, rt);
    }
    return rt;
  }

  peek(agentId: string): AgentRuntime | undefined {
    return this.byAgent.get(agentId);
  }

  /** Forgets an agent, cancelling its timers. */
  delete(agentId: string): void {
    this.byAgent.get(agentId)?.wakeups.cancel();
    this.byAgent.delete(agentId);
  }

  ids(): string[] {
    return [...this.byAgent.keys()];
  }

  /** Cancels every timer (daemon shutdown); the state stays for inspection. */
  clearAllTimers(): void {
    for (const rt of this.byAgent.values()) rt.wakeups.cancel(false);
  }
}
