import { createRequire } from 'node:module';

/** The slice of the `ws` client these tests use (the package ships no types here). */
interface WsRequest {
  destroy(): void;
}
interface WsResponse {
  statusCode?: number;
}
interface WsClient {
  on(event: 'open', cb: () => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  on(event: 'unexpected-response', cb: (req: WsRequest, res: WsResponse) => void): void;
  terminate(): void;
}
type WsConstructor = new (
  url: string,
  protocols: string[] | undefined,
  options: { headers?: Record<string, string>; origin?: string; handshakeTimeout?: number },
) => WsClient;

const WebSocket = createRequire(import.meta.url)('ws') as WsConstructor;

/** How an upgrade attempt ended: 101 when the socket opened, else the HTTP status of the refusal. */
export interface UpgradeOutcome {
  opened: boolean;
  status: number;
}

/** Tries a real WebSocket handshake with the `ws` client and reports the outcome. */
export function tryUpgrade(
  url: string,
  opts: { protocols?: string[]; headers?: Record<string, string>; origin?: string } = {},
): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols, {
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.origin ? { origin: opts.origin } : {}),
      handshakeTimeout: 5_000,
    });
    ws.on('open', () => {
      ws.terminate();
      resolve({ opened: true, status: 101 });
    });
    ws.on('unexpected-response', (req, res) => {
      req.destroy();
      resolve({ opened: false, status: res.statusCode ?? 0 });
    });
    ws.on('error', reject);
  });
}
