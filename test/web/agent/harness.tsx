/**
 * Scaffolding of the tests of views that use the stream (the agent page, the logs view): a real
 * QueryClient and StreamProvider over a scripted WebSocket, so a test can serve stream frames
 * and read what the page sent. Records and the fetch stub are in ../fixtures.tsx.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { StreamClient } from '../../../web/src/stream/client.js';
import { StreamProvider } from '../../../web/src/stream/context.js';
import { testQueryClient } from '../fixtures.js';

// TerminalPanel.test.tsx takes the fetch stub from here.
export { stubApi } from '../fixtures.js';

/** A scripted stand-in for the browser's WebSocket. */
export class FakeSocket {
  /** CONNECTING until goLive(), as a real socket is before its open event: sends are dropped. */
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  send(text: string) {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  serve(frame: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  /** The handshake: hello, then caught_up (which re-sends terminal opens and log follows). */
  goLive() {
    this.readyState = 1;
    this.serve({ type: 'hello', serverVersion: 'test', lastEventId: 0 });
    this.serve({ type: 'caught_up', lastEventId: 0 });
  }
  sentOfType(type: string) {
    return this.sent.filter((m) => m.type === type);
  }
}

/** Renders `ui` inside a fresh QueryClient and a StreamProvider on a FakeSocket. */
export function renderWithStream(ui: ReactNode) {
  const socket = new FakeSocket();
  const client = new StreamClient({
    url: 'ws://test/api/v1/stream',
    createSocket: () => socket as unknown as WebSocket,
  });
  const queryClient = testQueryClient();
  const wrap = (node: ReactNode) => (
    <QueryClientProvider client={queryClient}>
      <StreamProvider client={client}>{node}</StreamProvider>
    </QueryClientProvider>
  );
  const view = render(wrap(ui));
  /** Swaps the page under the same providers (the stream stays up, as in the app). */
  const swap = (node: ReactNode) => view.rerender(wrap(node));
  return { ...view, swap, socket, client, queryClient };
}

/** The redacted config `GET /config` answers with, with terminal input on or off. */
export function configView(terminalInput: boolean) {
  return { config: { server: { terminal_input: terminalInput } }, rows: [] };
}
