/**
 * Shared scaffolding of the agent page and logs view tests: a real QueryClient and
 * StreamProvider, `fetch` answering API paths with canned JSON, and a scripted WebSocket so
 * the tests can serve stream frames and read what the page sent.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import type { AgentView } from '../../../web/src/api/types.js';
import { StreamClient } from '../../../web/src/stream/client.js';
import { StreamProvider } from '../../../web/src/stream/context.js';

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

export type Answer = { status?: number; body: unknown } | ((url: URL) => { status?: number; body: unknown });

/**
 * Stubs fetch: routes are keyed by API path (without `/api/v1` and the query; a function answer
 * sees the whole URL). Unknown paths get the API's 404 body, so a missing stub shows as an error.
 */
export function stubApi(routes: Record<string, Answer>) {
  const calls: string[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    const path = url.pathname.replace(/^\/api\/v1/, '');
    calls.push(path + url.search);
    const answer = routes[path];
    const { status = 200, body } =
      answer === undefined
        ? { status: 404, body: { error: { code: 'NOT_FOUND', message: `no stub for ${path}` } } }
        : typeof answer === 'function'
          ? answer(url)
          : answer;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

/** Renders `ui` inside a fresh QueryClient and a StreamProvider on a FakeSocket. */
export function renderWithStream(ui: ReactNode) {
  const socket = new FakeSocket();
  const client = new StreamClient({
    url: 'ws://test/api/v1/stream',
    createSocket: () => socket as unknown as WebSocket,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
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

/** An agent as `GET /agents` lists it. */
export function agentView(over: Partial<AgentView> = {}): AgentView {
  return {
    id: 'k7m2qp',
    taskId: 'tq4x9a',
    repoId: 'r8b3ce',
    adapter: 'claude-code',
    mode: 'interactive',
    status: 'working',
    statusSource: 'hook',
    statusSince: new Date(Date.now() - 90_000).toISOString(),
    worktreePath: '/home/dev/.flotilla/worktrees/shop/tq4x9a-fix-login',
    branch: 'flotilla/tq4x9a-fix-login',
    tmuxSession: 'flotilla-k7m2qp',
    sessionId: '3f2b8c1e-9a4d-4c55-8e0f-2d7a6b1c9e42',
    restartCount: 1,
    pid: 4242,
    exitCode: null,
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: '2026-11-25T09:05:00.000Z',
    removedAt: null,
    taskTitle: 'Fix the login redirect',
    cpuPercent: 12.5,
    rssBytes: 250_000_000,
    resumeAt: null,
    cpuHistory: [],
    rssHistory: [],
    lastOutput: null,
    tmuxSocket: 'flotilla',
    ...over,
  };
}

/** The redacted config `GET /config` answers with, with terminal input on or off. */
export function configView(terminalInput: boolean) {
  return { config: { server: { terminal_input: terminalInput } }, rows: [] };
}
