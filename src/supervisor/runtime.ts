import { PaneDebouncer } from '../agents/pane.js';
import { CpuMeter, type ResourceSample } from './procfs.js';
import { emptyUsage, type UsageTotals } from './usage.js';

/**
 * What the supervisor knows about a running agent that is not worth a database write: activity
 * times, the last screen, resource samples, pending timers. Lost on a daemon restart by design:
 * reconciliation rebuilds it from tmux, the store and the hook files.
 */

/** Resource samples kept per agent: 10 minutes at one every 5 s. */
export const SAMPLES_KEPT = 120;

/** One agent's in-memory state. */
export interface AgentRuntime {
  /** Bumped on every (re)launch: a liveness observation made before it is stale. */
  generation: number;
  /** Last sign of life: a hook line, pane output, a status change (epoch ms). */
  lastActivityAt: number;
  /** tmux's window_activity as last seen (ms; tmux counts in seconds). */
  windowActivity: number;
  lastCaptureAt: number;
  /** A pane capture is due (activity changed since the last one). */
  captureDue: boolean;
  lastHookAt: number;
  /** The agent is being stopped by a user: its death is a stop, not a crash. */
  stopping: boolean;
  restartTimer: NodeJS.Timeout | null;
  resumeTimer: NodeJS.Timeout | null;
  /** Usage-limit resume time (epoch ms), or null. */
  resumeAt: number | null;
  /** A `send-keys` prompt not yet typed. */
  pendingPrompt: string | null;
  /** Health warnings already reported in the current episode (stuck, cpu, memory, start-slow). */
  warned: Set<string>;
  /** Set while the agent's worktree directory is gone: what to tell the user (its view's warning). */
  worktreeMissing: string | null;
  /** When a first-run dialog was first seen on screen (keys wait until it has settled), or null. */
  firstRunSeenAt: number | null;
  /** Consecutive samples over the CPU limit. */
  cpuOver: number;
  meter: CpuMeter;
  samples: ResourceSample[];
  /** Pane classifications count only once seen steadily. */
  debouncer: PaneDebouncer;
  /** Bytes of the pane log read as stream lines; null = not read yet since the daemon started. */
  streamOffset: number | null;
  /** Token and cost totals from stream lines. */
  usage: UsageTotals;
  /** The start of a stream line a pane log rotation cut in two; its end opens the new log. */
  streamCarry: string;
  /** Stream reads and pane log rotations of the agent, one at a time. */
  streamQueue: Promise<unknown>;
  /** The last lines the agent showed before its latest death (for a useful error). */
  lastWords: string;
  /** The last meaningful line of the latest screen capture (plain text, ≤200 chars), or null. */
  lastOutput: string | null;
  /** The agent was waiting for its user when it died: a restart must not start a turn for them. */
  diedWaiting: boolean;
}

export class RuntimeTable {
  private readonly byAgent = new Map<string, AgentRuntime>();

  constructor(private readonly now: () => number) {}

  get(agentId: string): AgentRuntime {
    let rt = this.byAgent.get(agentId);
    if (!rt) {
      const t = this.now();
      rt = {
        generation: 0,
        lastActivityAt: t,
        windowActivity: 0,
        lastCaptureAt: 0,
        captureDue: true,
        lastHookAt: 0,
        stopping: false,
        restartTimer: null,
        resumeTimer: null,
        resumeAt: null,
        pendingPrompt: null,
        warned: new Set(),
        worktreeMissing: null,
        firstRunSeenAt: null,
        cpuOver: 0,
        meter: new CpuMeter(),
        samples: [],
        debouncer: new PaneDebouncer(),
        streamOffset: null,
        usage: emptyUsage(),
        streamCarry: '',
        streamQueue: Promise.resolve(),
        lastWords: '',
        lastOutput: null,
        diedWaiting: false,
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
    const rt = this.byAgent.get(agentId);
    if (!rt) return;
    clearTimers(rt);
    this.byAgent.delete(agentId);
  }

  ids(): string[] {
    return [...this.byAgent.keys()];
  }

  /** Cancels every timer (daemon shutdown); the state stays for inspection. */
  clearAllTimers(): void {
    for (const rt of this.byAgent.values()) clearTimers(rt);
  }
}

export function clearTimers(rt: AgentRuntime): void {
  if (rt.restartTimer) clearTimeout(rt.restartTimer);
  if (rt.resumeTimer) clearTimeout(rt.resumeTimer);
  rt.restartTimer = null;
  rt.resumeTimer = null;
}

export function pushSample(rt: AgentRuntime, sample: ResourceSample): void {
  rt.samples.push(sample);
  if (rt.samples.length > SAMPLES_KEPT) rt.samples.splice(0, rt.samples.length - SAMPLES_KEPT);
}

/** Marks a sign of life: resets stuck detection. */
export function touch(rt: AgentRuntime, at: number): void {
  rt.lastActivityAt = at;
  rt.warned.delete('stuck');
}
