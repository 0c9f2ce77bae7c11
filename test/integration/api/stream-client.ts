import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { ServerMessage } from '../../../src/api/stream/protocol.js';
import { waitFor } from '../../helpers/cli.js';

/** The part of the `ws` client the stream tests use (the package ships no types here). */
export interface WsClient {
  readonly readyState: number;
  /** The subprotocol the server selected. */
  readonly protocol: string;
  readonly _socket: Socket;
  send(data: string): void;
  close(): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): void;
  on(event: 'open', listener: () => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode: number }) => void): void;
}
type WsConstructor = new (
  url: string,
  protocols?: string[],
  options?: { headers?: Record<string, string>; autoPong?: boolean },
) => WsClient;

export const WebSocket = createRequire(import.meta.url)('ws') as WsConstructor;

/** A connected client that records every message and how the connection ended. */
export interface StreamClient {
  ws: WsClient;
  messages: ServerMessage[];
  closed: { code: number; reason: string } | null;
  send(message: unknown): void;
  /** Waits for a message matching `pred` at or after index `from`. */
  next<T extends ServerMessage['type']>(
    type: T,
    pred?: (m: Extract<ServerMessage, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ServerMessage, { type: T }>>;
}

export function connect(
  url: string,
  headers: Record<string, string>,
  options: { protocols?: string[]; autoPong?: boolean } = {},
): Promise<StreamClient> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/api/v1/stream`;
  const ws = new WebSocket(wsUrl, options.protocols ?? [], {
    headers,
    ...(options.autoPong === undefined ? {} : { autoPong: options.autoPong }),
  });
  const client: StreamClient = {
    ws,
    messages: [],
    closed: null,
    send: (m) => ws.send(JSON.stringify(m)),
    next: (type, pred, timeoutMs = 10_000) =>
      waitFor(
        () =>
          client.messages.find(
            (m): m is Extract<ServerMessage, { type: typeof type }> =>
              m.type === type && (pred === undefined || pred(m as never)),
          ),
        `a '${type}' stream message`,
        { timeoutMs, intervalMs: 10 },
      ),
  };
  ws.on('message', (data) => client.messages.push(JSON.parse(data.toString('utf8')) as ServerMessage));
  ws.on('close', (code, reason) => {
    client.closed = { code, reason: reason.toString('utf8') };
  });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve(client));
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
}

/** The event ids a client received, in order. */
export const eventIds = (c: StreamClient): number[] =>
  c.messages.flatMap((m) => (m.type === 'event' ? [m.id] : []));
