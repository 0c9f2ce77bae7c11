/**
 * `hooks.on_status`: a command run on every agent status change, so a user hears that their turn
 * is needed with no browser open (a desktop notification, a phone push, a log line). The agent id,
 * old status, new status and detail are appended to the configured argv: agent text reaches the
 * command as an argument, never through a shell.
 *
 * Isolated from the fleet: the bus hands the event over and returns at once; commands run at most
 * MAX_RUNNING at a time, each killed after its timeout, and a queue that grows past MAX_QUEUED
 * drops the oldest waiting run (with a warning), so a slow or hanging command can never hold up
 * the daemon or grow its memory without bound.
 */
import type { FlotillaEvent } from '../domain/event.js';
import type { EventBus } from '../events/bus.js';
import { describeCommand, run } from '../proc/index.js';

/** How many hook commands run at once. */
export const MAX_RUNNING = 4;
/** How many wait their turn before the oldest is dropped. */
export const MAX_QUEUED = 200;

/** What the hook runner needs to know each time (read per event, so a config reload applies). */
export interface StatusHookConfig {
  onStatus: readonly string[] | null;
  timeoutSeconds: number;
}

/** Where the runner reports what went wrong (the daemon's logger has this shape). */
export interface StatusHookLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** The argv for one status change: the configured command, then four arguments. */
export function statusHookArgv(command: readonly string[], event: FlotillaEvent): string[] {
  // Each field is still checked: a row an older daemon wrote may lack one (ADR 0016).
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  if (event.type !== 'agent.status_changed') return [...command, event.agentId ?? '', '', '', ''];
  const { from, to, detail } = event.data;
  return [...command, event.agentId ?? '', text(from), text(to), text(detail)];
}

export class StatusHookRunner {
  private readonly queue: string[][] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    bus: EventBus,
    private readonly config: () => StatusHookConfig,
    private readonly logger: StatusHookLogger,
  ) {
    this.unsubscribe = bus.subscribe({ types: ['agent.status_changed'], liveOnly: true }, (event) =>
      this.enqueue(event),
    );
  }

  /** Stops listening; commands already running finish (each is bounded by its timeout). */
  close(): void {
    this.unsubscribe();
    this.queue.length = 0;
  }

  /** Resolves once nothing runs or waits (for tests and a graceful stop). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(event: FlotillaEvent): void {
    const { onStatus } = this.config();
    if (onStatus === null || onStatus.length === 0 || event.agentId === null) return;
    this.queue.push(statusHookArgv(onStatus, event));
    if (this.queue.length > MAX_QUEUED) {
      const dropped = this.queue.shift() as string[];
      this.logger.warn(
        { argv: dropped },
        `hooks.on_status: more than ${MAX_QUEUED} runs waiting (the command is slower than the status changes); dropped the oldest`,
      );
    }
    this.pump();
  }

  private pump(): void {
    while (this.running < MAX_RUNNING && this.queue.length > 0) {
      const argv = this.queue.shift() as string[];
      this.running++;
      void this.runOne(argv).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) {
          for (const resolve of this.idleWaiters.splice(0)) resolve();
        }
      });
    }
  }

  private async runOne(argv: string[]): Promise<void> {
    const [command, ...args] = argv as [string, ...string[]];
    try {
      const result = await run(command, args, {
        timeoutMs: this.config().timeoutSeconds * 1000,
        allowFailure: true,
        installHint: 'check hooks.on_status in your config: its first entry must be a command on PATH',
      });
      if (result.code !== 0) {
        this.logger.warn(
          {
            command: describeCommand(command, args),
            code: result.code,
            signal: result.signal,
            stderr: result.stderr.slice(-500),
          },
          'hooks.on_status command failed',
        );
      } else {
        this.logger.debug(
          { command: describeCommand(command, args), ms: Math.round(result.durationMs) },
          'hooks.on_status ran',
        );
      }
    } catch (err) {
      const hint = (err as { hint?: unknown }).hint;
      this.logger.warn(
        {
          command: describeCommand(command, args),
          err: String(err),
          ...(typeof hint === 'string' ? { hint } : {}),
        },
        'hooks.on_status command failed',
      );
    }
  }
}
