/**
 * The CLI's client of the daemon's WebSocket stream (`GET /api/v1/stream`), for live views. It
 * authenticates as every non-browser client does (`Authorization: Bearer <token>`; the daemon's
 * guard also checks Host, which `ws` sets from the URL, and sends no Origin), trusts only the
 * daemon's pinned certificate over https, and reconnects after a drop, resuming after the last
 * event id it saw so no status change is missed.
 */
import { createRequire } from 'node:module';
import type { FlotillaEvent } from '../../domain/event.js';

/** The part of the `ws` package's client used here (it ships no types). */
interface WsSocket {
  send(data: string): void;
  close(): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'open', listener: () => void): void;
  on(event: 'close', listener: () => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number }) => void): void;
}
type WsConstructor = new (
  url: string,
  protocols: string[],
  options: {
    headers: Record<string, string>;
    handshakeTimeout: number;
    ca?: string[];
    checkServerIdentity?: (host: string, cert: { fingerprint256: string }) => Error | undefined;
  },
) => WsSocket;

/** How to reach the daemon (daemon.json's connection). */
export interface StreamConnection {
  url: string;
  token: string;
  tls?: { cert: string; fingerprint256: string } | undefined;
}

export interface StreamHandlers {
  /** An event, live or replayed after a reconnect. */
  onEvent(event: FlotillaEvent): void;
  /** Connected (again): the caller should re-read what it shows, in case it missed anything. */
  onConnected(): void;
  /** Lost the connection; `reason` says why. A retry follows. */
  onDisconnected(reason: string): void;
}

const RETRY_MS = [250, 500, 1000, 2000, 5000];

/** A live subscription to agent events; `close()` ends it. */
export class AgentEventStream {
  private socket: WsSocket | undefined;
  private lastId: number | undefined;
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: StreamConnection,
    private readonly handlers: StreamHandlers,
  ) {
    this.connect();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.terminate();
  }

  private connect(): void {
    const WebSocket = createRequire(import.meta.url)('ws') as WsConstructor;
    const url = `${this.conn.url.replace(/^http/, 'ws').replace(/\/+$/, '')}/api/v1/stream`;
    const tls = this.conn.tls;
    const socket = new WebSocket(url, ['flotilla.v1'], {
      headers: { authorization: `Bearer ${this.conn.token}` },
      handshakeTimeout: 10_000,
      ...(tls
        ? {
            ca: [tls.cert],
            checkServerIdentity: (_host, cert) =>
              cert.fingerprint256 === tls.fingerprint256
                ? undefined
                : new Error("the daemon's TLS certificate is not the one in daemon.json"),
          }
        : {}),
    });
    this.socket = socket;
    let failure = 'connection closed';
    socket.on('open', () => {
      this.attempt = 0;
      socket.send(
        JSON.stringify({
          type: 'subscribe',
          filter: {
            types: [
              'agent.created',
              'agent.updated',
              'agent.status_changed',
              'agent.removed',
              'agent.restarted',
            ],
          },
          // From now on the first time; after a drop, from the last event seen.
          ...(this.lastId === undefined ? {} : { since: this.lastId }),
        }),
      );
    });
    socket.on('message', (data) => {
      let message: {
        type?: string;
        id?: number;
        event?: FlotillaEvent;
        lastEventId?: number;
        message?: string;
      };
      try {
        message = JSON.parse(data.toString('utf8'));
      } catch {
        return;
      }
      if (message.type === 'hello' && this.lastId === undefined) this.lastId = message.lastEventId;
      else if (message.type === 'caught_up') this.handlers.onConnected();
      else if (message.type === 'event' && message.event) {
        if (typeof message.id === 'number') this.lastId = message.id;
        this.handlers.onEvent(message.event);
      } else if (message.type === 'bye') failure = 'the daemon is stopping';
    });
    socket.on('unexpected-response', (_req, res) => {
      failure = `the daemon refused the stream (HTTP ${res.statusCode ?? '?'})`;
      socket.terminate();
    });
    socket.on('error', (err) => {
      failure = err.message;
    });
    socket.on('close', () => {
      if (this.closed) return;
      this.handlers.onDisconnected(failure);
      const delay = RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)] as number;
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }
}
