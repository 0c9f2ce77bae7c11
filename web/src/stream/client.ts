/**
 * The dashboard's WebSocket to `GET /api/v1/stream`: one connection for events, terminals and
 * logs. It reconnects on its own with backoff, resumes after the last event id it saw (the
 * server replays the gap from its durable log), and re-opens every terminal and log follow it
 * had, so a daemon restart costs the page nothing but a moment of "reconnecting".
 * Framework-free so it can be tested alone; React reaches it through stream/context.tsx.
 */
import type { STREAM_SUBPROTOCOL } from '../../../src/api/stream/protocol.js';
import type { ClientMessage, FlotillaEvent, ServerMessage } from '../api/types.js';

/** Kept equal to the server's constant by the type annotation (a mismatch fails typecheck). */
export const SUBPROTOCOL: typeof STREAM_SUBPROTOCOL = 'flotilla.v1';

/** What the connection is doing, as the header badge shows it. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface StreamClientOptions {
  url?: string;
  /** Injected in unit tests; the browser's WebSocket otherwise. */
  createSocket?: (url: string, protocols: string[]) => WebSocket;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Asked after a connection is lost: false means the session is gone (401), so stop retrying. */
  checkAuth?: () => Promise<boolean>;
}

type Listener<T> = (value: T) => void;

export class StreamClient {
  state: ConnectionState = 'connecting';
  /** The newest event id seen: the resume point of the next connection. */
  lastEventId: number | null = null;
  /** When the next reconnect attempt fires (for "retrying in 3 s"); null when not waiting. */
  retryAt: number | null = null;
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly terminals = new Set<string>();
  private readonly logSources = new Set<string>();
  /** Followed conversations, each with the last seq received (a reconnect resumes after it). */
  private readonly conversations = new Map<string, number>();
  private readonly stateListeners = new Set<Listener<ConnectionState>>();
  private readonly eventListeners = new Set<Listener<FlotillaEvent>>();
  private readonly frameListeners = new Set<Listener<ServerMessage>>();
  private readonly connectedListeners = new Set<Listener<{ resumed: boolean }>>();

  constructor(private readonly options: StreamClientOptions = {}) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close(1000, 'page closed');
    this.socket = null;
  }

  /** Retry now (the browser came back online, or the user clicked "reconnect"). */
  reconnectNow(): void {
    if (this.stopped || this.state === 'live' || this.state === 'connecting') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  }

  onState(l: Listener<ConnectionState>): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }
  onEvent(l: Listener<FlotillaEvent>): () => void {
    this.eventListeners.add(l);
    return () => this.eventListeners.delete(l);
  }
  /** Every frame, for terminal and log channels. */
  onFrame(l: Listener<ServerMessage>): () => void {
    this.frameListeners.add(l);
    return () => this.frameListeners.delete(l);
  }
  /** Each time a connection is up and subscribed; `resumed` when it replayed a gap. */
  onConnected(l: Listener<{ resumed: boolean }>): () => void {
    this.connectedListeners.add(l);
    return () => this.connectedListeners.delete(l);
  }

  openTerminal(agentId: string): void {
    this.terminals.add(agentId);
    this.send({ type: 'terminal.open', agentId });
  }
  closeTerminal(agentId: string): void {
    this.terminals.delete(agentId);
    this.send({ type: 'terminal.close', agentId });
  }
  terminalInput(agentId: string, data: string): void {
    this.send({ type: 'terminal.input', agentId, data });
  }
  followLogs(source: string): void {
    this.logSources.add(source);
    this.sendRaw({ type: 'logs.follow', source });
  }
  unfollowLogs(source: string): void {
    this.logSources.delete(source);
    this.sendRaw({ type: 'logs.unfollow', source });
  }

  /** New entries of an agent's conversation after `after` (the last seq the view has) arrive as frames. */
  followConversation(agentId: string, after: number): void {
    this.conversations.set(agentId, after);
    this.sendRaw({ type: 'conversation.follow', agentId, after });
  }
  unfollowConversation(agentId: string): void {
    this.conversations.delete(agentId);
    this.sendRaw({ type: 'conversation.unfollow', agentId });
  }

  send(message: ClientMessage): void {
    this.sendRaw(message);
  }

  /** Frames the shared protocol may not declare yet in this build (logs) go through here too. */
  private sendRaw(message: { type: string } & Record<string, unknown>): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const l of this.stateListeners) l(state);
  }

  private url(): string {
    if (this.options.url) return this.options.url;
    const { protocol, host } = window.location;
    return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/api/v1/stream`;
  }

  private connect(): void {
    this.retryAt = null;
    this.setState(this.attempt === 0 && this.lastEventId === null ? 'connecting' : 'reconnecting');
    const create = this.options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols));
    let socket: WebSocket;
    try {
      socket = create(this.url(), [SUBPROTOCOL]);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    const resuming = this.lastEventId !== null;
    socket.onmessage = (m) => this.receive(String(m.data), resuming);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.scheduleRetry();
    };
  }

  private receive(text: string, resuming: boolean): void {
    let frame: ServerMessage;
    try {
      frame = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    switch (frame.type) {
      case 'hello': {
        // First connection: live from here (the views fetch the present over REST). Later ones:
        // replay everything after the last event this page saw.
        const since = this.lastEventId ?? frame.lastEventId;
        this.lastEventId = since;
        this.send({ type: 'subscribe', filter: {}, since });
        break;
      }
      case 'caught_up':
        this.attempt = 0;
        this.setState('live');
        for (const id of this.terminals) this.send({ type: 'terminal.open', agentId: id });
        for (const source of this.logSources) this.sendRaw({ type: 'logs.follow', source });
        for (const [agentId, after] of this.conversations) {
          this.sendRaw({ type: 'conversation.follow', agentId, after });
        }
        for (const l of this.connectedListeners) l({ resumed: resuming });
        break;
      case 'event':
        if (this.lastEventId === null || frame.id > this.lastEventId) {
          this.lastEventId = frame.id;
          for (const l of this.eventListeners) l(frame.event);
        }
        break;
      case 'conversation.entries': {
        const last = frame.entries.at(-1)?.seq;
        if (last !== undefined && this.conversations.has(frame.agentId))
          this.conversations.set(frame.agentId, last);
        break;
      }
      default:
        break;
    }
    for (const l of this.frameListeners) l(frame);
  }

  private scheduleRetry(): void {
    this.attempt++;
    const min = this.options.minBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 5_000;
    const delay = Math.min(max, min * 2 ** Math.min(this.attempt - 1, 8)) * (0.8 + Math.random() * 0.4);
    this.setState(this.attempt > 3 ? 'offline' : 'reconnecting');
    this.retryAt = Date.now() + delay;
    this.timer = setTimeout(async () => {
      this.timer = null;
      if (this.stopped) return;
      // A lost session looks like any failed upgrade to a browser: ask the API which it was.
      if (this.options.checkAuth && !(await this.options.checkAuth())) return;
      this.connect();
    }, delay);
  }
}
