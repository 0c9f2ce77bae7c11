/**
 * One WebSocket client of the stream: parses its messages, runs its subscription, terminal and
 * log channels, sends heartbeats, and keeps it from growing the daemon's memory. Everything it
 * sends goes through `send`, which looks at the socket's buffered bytes first: above the soft
 * limit terminal output is skipped (the client gets a fresh screen once it catches up) and log
 * lines are dropped (counted in the next `logs.lines`), above the
 * hard limit the client is dropped with `bye` and close code 1008. Events are never skipped: a
 * dropped client reconnects with its last id and loses nothing.
 */

import { FlotillaError } from '../../domain/errors.js';
import type { FlotillaEvent } from '../../domain/event.js';
import { KeyedMutex } from '../../proc/keyed-mutex.js';
import type { LogSources } from '../logs/sources.js';
import { type ConversationBackend, ConversationFollows } from './conversation-follows.js';
import { eventFrame } from './frames.js';
import { LogFollows } from './log-follows.js';
import { CLOSE_CODES, ClientMessageSchema, type ServerMessage, type StreamFilter } from './protocol.js';
import { type StreamEventSource, Subscription } from './subscription.js';
import type { TerminalBackend } from './terminal.js';
import { TerminalFeed } from './terminal-feed.js';
import { toTmuxInput } from './terminal-input.js';

/** The part of a `ws` WebSocket the stream uses. */
export interface StreamSocket {
  readonly bufferedAmount: number;
  send(data: string | Buffer, options?: { binary?: boolean }): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  /** 1 while open (`ws` readyState). */
  readonly readyState?: number;
  /** The TCP socket under `ws` (its `_socket`): corked while a burst of frames is queued. */
  readonly _socket?: { cork(): void; uncork(): void; write?(chunk: Buffer): boolean; writable?: boolean };
  /** The extensions `ws` negotiated (its `_extensions`); none means frames go out as built. */
  readonly _extensions?: Record<string, unknown>;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'pong' | 'close', listener: () => void): void;
}

/** Limits of one connection. */
export interface StreamLimits {
  /** Buffered bytes above which terminal output is skipped. */
  softBytes: number;
  /** Buffered bytes above which the client is dropped. */
  hardBytes: number;
  /** Server ping interval; a client that misses two pongs is closed. */
  heartbeatMs: number;
  /** How long a dropped client gets to read its `bye` before the socket is destroyed. */
  closeGraceMs: number;
}

export const DEFAULT_LIMITS: StreamLimits = {
  softBytes: 1024 * 1024,
  hardBytes: 8 * 1024 * 1024,
  heartbeatMs: 15_000,
  closeGraceMs: 5_000,
};

/** What a session needs from the daemon. */
export interface StreamDeps {
  source: StreamEventSource;
  version: string;
  terminals: TerminalBackend | null;
  terminalInput: () => boolean;
  /** The logs `logs.follow` reads; absent: the channel answers that this daemon has none. */
  logs?: LogSources | null;
  /** Agents' conversations `conversation.follow` reads; absent: the channel says there are none. */
  conversations?: ConversationBackend | null;
  limits: StreamLimits;
  /** Seen by the hub: the socket's buffer after each send, and drops. */
  onBuffered?(bytes: number): void;
  onDropped?(reason: string): void;
}

export class StreamSession {
  private subscription: Subscription | null = null;
  private readonly feeds = new Map<string, TerminalFeed>();
  /** The latest `terminal.open` per agent: an open that a close or a newer open overtook is dropped. */
  private readonly opening = new Map<string, symbol>();
  /**
   * Keys typed into one agent, in the order they came: each frame is a tmux call after an
   * async lookup, and frames handled side by side reached the pane out of order ("fro mthe").
   */
  private readonly typing = new KeyedMutex();
  private readonly logs: LogFollows | null;
  private readonly conversations: ConversationFollows | null;
  private readonly heartbeat: NodeJS.Timeout;
  private missedPongs = 0;
  private over = false;
  private corked = false;
  private readonly ready: Promise<void>;
  /** Whether prebuilt frames may be written to the socket (`ws` negotiated no compression). */
  private readonly direct: boolean;

  constructor(
    private readonly ws: StreamSocket,
    private readonly deps: StreamDeps,
  ) {
    this.direct = ws._extensions !== undefined && Object.keys(ws._extensions).length === 0;
    this.logs = deps.logs
      ? new LogFollows({
          sources: deps.logs,
          send: (message) => this.send(message),
          wants: () => this.ws.bufferedAmount <= deps.limits.softBytes,
          closed: () => this.over,
        })
      : null;
    this.conversations = deps.conversations
      ? new ConversationFollows({
          backend: deps.conversations,
          send: (message) => this.send(message),
          wants: () => this.ws.bufferedAmount <= deps.limits.softBytes,
          closed: () => this.over,
        })
      : null;
    ws.on('message', (data, isBinary) => {
      void this.ready.then(() => this.onMessage(data, isBinary));
    });
    ws.on('pong', () => {
      this.missedPongs = 0;
    });
    ws.on('close', () => this.dispose());
    this.heartbeat = setInterval(() => this.beat(), deps.limits.heartbeatMs);
    this.heartbeat.unref();
    // `hello` goes first; messages wait for it so no event can overtake it.
    this.ready = deps.source.latestId().then(
      (lastEventId) => this.send({ type: 'hello', serverVersion: deps.version, lastEventId }),
      () => this.end('daemon stopping', CLOSE_CODES.goingAway),
    );
  }

  /** Ends the connection with a reason the client sees (`bye`, then the close frame). */
  end(reason: string, code: number = CLOSE_CODES.policy): void {
    if (this.over) return;
    this.dispose();
    // Past the limits on purpose: the goodbye is one small frame, and the last one.
    this.ws.send(JSON.stringify({ type: 'bye', reason } satisfies ServerMessage));
    this.ws.close(code, reason);
    // A client that never reads would keep the socket (and its buffer) forever.
    setTimeout(() => this.ws.terminate(), this.deps.limits.closeGraceMs).unref();
  }

  private dispose(): void {
    this.over = true;
    clearInterval(this.heartbeat);
    this.subscription?.close();
    this.subscription = null;
    for (const feed of this.feeds.values()) feed.stop();
    this.feeds.clear();
    this.logs?.stopAll();
    this.conversations?.stopAll();
  }

  private beat(): void {
    if (this.missedPongs >= 2) {
      this.dispose();
      this.ws.terminate();
      return;
    }
    this.missedPongs += 1;
    this.ws.ping();
  }

  private send(message: ServerMessage): void {
    this.raw(JSON.stringify(message));
  }

  private raw(frame: string | Buffer): void {
    if (!this.admit()) return;
    // A Buffer goes out as a text frame too: it is UTF-8 JSON.
    this.ws.send(frame, { binary: false });
    this.deps.onBuffered?.(this.ws.bufferedAmount);
  }

  /**
   * Whether one more frame may be queued: not after the end, and not past the hard limit of
   * buffered bytes (a client that reads too slowly is dropped, not allowed to grow the daemon).
   * Corks the socket for the tick when it may.
   */
  private admit(): boolean {
    if (this.over) return false;
    if (this.ws.bufferedAmount > this.deps.limits.hardBytes) {
      this.deps.onDropped?.('slow consumer');
      this.end('slow consumer');
      return false;
    }
    this.cork();
    return true;
  }

  /**
   * An event goes out as the frame built once for all clients (frames.ts): written to the TCP
   * socket as it is when `ws` would send the same bytes (open, no compression negotiated), else
   * handed to `ws` to frame. Either way it is queued behind what was sent before, in order.
   */
  private sendEvent(event: FlotillaEvent): void {
    const frame = eventFrame(event);
    const tcp = this.ws._socket;
    if (!this.direct || tcp?.write === undefined || this.ws.readyState !== 1 || tcp.writable === false) {
      this.raw(frame.json);
      return;
    }
    if (!this.admit()) return;
    tcp.write(frame.wire);
    this.deps.onBuffered?.(this.ws.bufferedAmount);
  }

  /**
   * The frames sent in one tick (a committed batch of events reaches every session at once)
   * leave in one write instead of one system call each: at thousands of events a second to
   * tens of clients, the per-write cost dominates.
   */
  private cork(): void {
    const tcp = this.ws._socket;
    if (this.corked || !tcp) return;
    this.corked = true;
    tcp.cork();
    process.nextTick(() => {
      this.corked = false;
      tcp.uncork();
    });
  }

  private fail(err: unknown): void {
    const e =
      err instanceof FlotillaError
        ? err
        : new FlotillaError('INTERNAL', 'the stream could not do that; see the daemon log');
    this.send({
      type: 'error',
      code: e.code,
      message: e.message,
      ...(e.hint === undefined ? {} : { hint: e.hint }),
    });
  }

  private async onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): Promise<void> {
    if (this.over) return;
    let json: unknown;
    try {
      if (isBinary) throw new Error('binary');
      const buf = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      const text = buf.toString('utf8');
      json = JSON.parse(text);
    } catch {
      this.fail(new FlotillaError('INVALID_INPUT', 'a stream message is one JSON object (text frame)'));
      return;
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      this.fail(
        new FlotillaError('INVALID_INPUT', `invalid stream message${where}: ${issue?.message ?? ''}`),
      );
      return;
    }
    const msg = parsed.data;
    try {
      switch (msg.type) {
        case 'ping':
          this.send({ type: 'pong' });
          return;
        case 'subscribe':
          this.subscribe(msg.filter, msg.since);
          return;
        case 'unsubscribe':
          this.subscription?.close();
          this.subscription = null;
          return;
        case 'terminal.open':
          await this.openTerminal(msg.agentId);
          return;
        case 'terminal.close':
          this.closeTerminal(msg.agentId);
          return;
        case 'terminal.input':
          await this.input(msg.agentId, msg.data);
          return;
        case 'logs.follow':
          await this.logChannel().follow(msg.source);
          return;
        case 'logs.unfollow':
          this.logChannel().unfollow(msg.source);
          return;
        case 'conversation.follow':
          await this.conversationChannel().follow(msg.agentId, msg.after);
          return;
        case 'conversation.unfollow':
          this.conversationChannel().unfollow(msg.agentId);
          return;
      }
    } catch (err) {
      this.fail(err);
    }
  }

  private subscribe(filter: StreamFilter, since: number | undefined): void {
    this.subscription?.close();
    this.subscription = new Subscription(this.deps.source, {
      filter,
      since,
      deliver: (event) => this.sendEvent(event),
      caughtUp: (lastEventId) => this.send({ type: 'caught_up', lastEventId }),
      failed: (err) => this.fail(err),
    });
  }

  private terminals(): TerminalBackend {
    if (!this.deps.terminals) {
      throw new FlotillaError('CONFLICT', 'this daemon runs no supervisor, so it has no terminals');
    }
    return this.deps.terminals;
  }

  private logChannel(): LogFollows {
    if (!this.logs) throw new FlotillaError('CONFLICT', 'this daemon serves no logs over the stream');
    return this.logs;
  }

  private conversationChannel(): ConversationFollows {
    if (!this.conversations) {
      throw new FlotillaError('CONFLICT', 'this daemon runs no supervisor, so it has no conversations');
    }
    return this.conversations;
  }

  private async openTerminal(agentId: string): Promise<void> {
    const terminals = this.terminals();
    this.closeTerminal(agentId);
    const token = Symbol(agentId);
    this.opening.set(agentId, token);
    const feed = await TerminalFeed.open({
      agentId,
      backend: terminals,
      send: (message) => this.send(message),
      wants: () => this.ws.bufferedAmount <= this.deps.limits.softBytes,
      closed: () => this.over || this.opening.get(agentId) !== token,
    });
    if (!feed) return;
    this.feeds.set(agentId, feed);
  }

  private closeTerminal(agentId: string): void {
    this.opening.delete(agentId);
    this.feeds.get(agentId)?.stop();
    this.feeds.delete(agentId);
  }

  private async input(agentId: string, data: string): Promise<void> {
    if (!this.deps.terminalInput()) {
      throw new FlotillaError('FORBIDDEN', "typing into agents' terminals is turned off", {
        hint: 'set server.terminal_input: true in your config file (flotilla config path shows where it is), then: flotilla daemon restart',
      });
    }
    const steps = toTmuxInput(data);
    await this.typing.run(agentId, () => this.terminals().input(agentId, steps));
  }
}
