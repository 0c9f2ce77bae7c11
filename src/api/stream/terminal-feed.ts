/**
 * One open terminal of one stream client: the agent pane's screen (with its size and cursor),
 * then its raw output as tmux logs it. The output only draws right on a terminal of the pane's
 * exact size, so the client gets a fresh screen whenever that size may have stopped holding:
 * after output was skipped for a slow client, and when the pane was resized.
 */
import type { PaneScreen, PaneSize } from '../../tmux/index.js';
import { PaneTail } from './pane-tail.js';
import type { ServerMessage } from './protocol.js';
import type { TerminalBackend } from './terminal.js';

export interface TerminalFeedOptions {
  agentId: string;
  backend: TerminalBackend;
  send(message: ServerMessage): void;
  /** False while the client reads too slowly: output is skipped, a screen repairs it later. */
  wants(): boolean;
  /** True once the connection is over: nothing more is sent. */
  closed(): boolean;
  /** Least time between two checks of the pane's size. Default 1 s. */
  sizeCheckMs?: number;
  /** How often the pane log is polled (besides fs.watch). */
  pollMs?: number;
}

export function screenFrame(agentId: string, screen: PaneScreen): ServerMessage {
  const { data, cols, rows, cursor } = screen;
  return { type: 'terminal.screen', agentId, data, cols, rows, cursor };
}

export class TerminalFeed {
  private size: PaneSize;
  private readonly tail: PaneTail;
  private stopped = false;
  /** Output was skipped: the next time the client keeps up, it gets a screen first. */
  private stale = false;
  private capturing = false;
  private captureAgain = false;
  private sizeTimer: NodeJS.Timeout | undefined;
  private lastSizeCheck = 0;

  /** Sends the current screen and starts following the output; null if the client left meanwhile. */
  static async open(opts: TerminalFeedOptions): Promise<TerminalFeed | null> {
    const screen = await opts.backend.screen(opts.agentId);
    if (opts.closed()) return null;
    opts.send(screenFrame(opts.agentId, screen));
    return new TerminalFeed(opts, screen);
  }

  private constructor(
    private readonly opts: TerminalFeedOptions,
    screen: PaneSize,
  ) {
    this.size = { cols: screen.cols, rows: screen.rows };
    this.tail = new PaneTail({
      file: opts.backend.logFile(opts.agentId),
      ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
      onData: (data) => {
        opts.send({ type: 'terminal.output', agentId: opts.agentId, data });
        this.checkSizeSoon();
      },
      wants: () => {
        const wants = opts.wants();
        if (wants && this.stale) {
          this.stale = false;
          this.sendScreen();
        }
        return wants;
      },
      onSkipped: () => {
        this.stale = true;
      },
      // The pane log was rotated: output between the last read and the cut may be missing.
      onReset: () => {
        this.stale = true;
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.tail.stop();
    clearTimeout(this.sizeTimer);
  }

  private get done(): boolean {
    return this.stopped || this.opts.closed();
  }

  /**
   * Checks the pane's size after output arrives, at most once per `sizeCheckMs`, the check
   * running after the burst that triggered it. Output is when a resize matters: a program
   * redraws for its new size (SIGWINCH) and that output is garbage on a terminal of the old
   * one. Tying the check to output (rather than a timer) costs an idle agent nothing, and the
   * wrong drawing lasts at most about a second. A resize of a pane that prints nothing is caught
   * with its next output; until then the client's copy of the old screen is still coherent.
   */
  private checkSizeSoon(): void {
    if (this.sizeTimer !== undefined || this.done) return;
    const every = this.opts.sizeCheckMs ?? 1_000;
    const wait = Math.max(0, this.lastSizeCheck + every - Date.now());
    this.sizeTimer = setTimeout(() => {
      this.lastSizeCheck = Date.now();
      void this.opts.backend.size(this.opts.agentId).then(
        (size) => {
          this.sizeTimer = undefined;
          if (size.cols !== this.size.cols || size.rows !== this.size.rows) this.sendScreen();
        },
        () => {
          // The session is gone or tmux failed: the pane log has nothing more to say either.
          this.sizeTimer = undefined;
        },
      );
    }, wait);
    this.sizeTimer.unref();
  }

  /** Captures and sends the screen; a request while a capture runs gets one more after it. */
  private sendScreen(): void {
    if (this.done) return;
    if (this.capturing) {
      this.captureAgain = true;
      return;
    }
    this.capturing = true;
    void this.opts.backend
      .screen(this.opts.agentId)
      .then(
        (screen) => {
          if (this.done) return;
          this.size = { cols: screen.cols, rows: screen.rows };
          this.opts.send(screenFrame(this.opts.agentId, screen));
        },
        () => {},
      )
      .finally(() => {
        this.capturing = false;
        if (this.captureAgain) {
          this.captureAgain = false;
          this.sendScreen();
        }
      });
  }
}
