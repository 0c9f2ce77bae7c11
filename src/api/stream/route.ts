/**
 * Mounts `GET /stream` (under /api/v1) with @fastify/websocket. The upgrade request goes
 * through fastify's router, so the guard's Host, Origin and token checks run on it like on any
 * request; a refused upgrade gets the guard's HTTP error instead of a WebSocket.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { STREAM_SUBPROTOCOL } from './protocol.js';
import { type StreamDeps, StreamSession, type StreamSocket } from './session.js';

/** Live connections and what back-pressure did to them (for tests and benchmarks). */
export interface StreamStats {
  connections: number;
  dropped: number;
  /** The largest socket buffer seen right after a send, in bytes. */
  maxBuffered: number;
}

/** The stream's connections: mounted once, ended together when the daemon stops. */
export class StreamHub {
  readonly sessions = new Set<StreamSession>();
  readonly stats: StreamStats = { connections: 0, dropped: 0, maxBuffered: 0 };

  constructor(private readonly deps: Omit<StreamDeps, 'onBuffered' | 'onDropped'>) {}

  async mount(api: FastifyInstance): Promise<void> {
    // Own context: the websocket hooks and the one below apply to the stream route only.
    await api.register(async (scope) => this.mountIn(scope));
  }

  private async mountIn(api: FastifyInstance): Promise<void> {
    // An upgrade refused before the route ran (the guard said no) got an HTTP answer on a socket
    // no HTTP parser owns any more: close it, or a client could hold it (and the daemon's stop) open.
    api.addHook('onResponse', async (request) => {
      if (request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket.destroy();
    });
    await api.register(websocket, {
      options: {
        // Client messages are small; a large one is a mistake or an attack.
        maxPayload: 256 * 1024,
        // A browser offering subprotocols needs one selected, or it fails the connection.
        handleProtocols: (protocols: Set<string>) =>
          protocols.has(STREAM_SUBPROTOCOL) ? STREAM_SUBPROTOCOL : false,
      },
    });
    api.get('/stream', { websocket: true }, (socket: StreamSocket) => {
      this.accept(socket);
    });
  }

  accept(socket: StreamSocket): StreamSession {
    const session = new StreamSession(socket, {
      ...this.deps,
      onBuffered: (bytes) => {
        if (bytes > this.stats.maxBuffered) this.stats.maxBuffered = bytes;
      },
      onDropped: () => {
        this.stats.dropped += 1;
      },
    });
    this.sessions.add(session);
    this.stats.connections = this.sessions.size;
    socket.on('close', () => {
      this.sessions.delete(session);
      this.stats.connections = this.sessions.size;
    });
    return session;
  }

  /** Says goodbye to every client (the daemon is stopping). */
  closeAll(reason = 'daemon stopping'): void {
    for (const session of this.sessions) session.end(reason, 1001);
  }
}
