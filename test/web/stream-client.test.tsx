import { describe, expect, it } from 'vitest';
import { StreamClient } from '../../web/src/stream/client.js';

/** A scripted stand-in for the browser's WebSocket (unit test of the client's own logic). */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 1;
  sent: Record<string, unknown>[] = [];
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  serve(frame: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

const event = (id: number) => ({
  type: 'event',
  id,
  event: {
    id,
    ts: '2026-11-25T00:00:00.000Z',
    type: 'task.created',
    actor: 'api',
    repoId: null,
    taskId: 't',
    agentId: null,
    data: {},
  },
});

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('StreamClient', () => {
  it('subscribes live first, then resumes after the last event it saw and re-opens its terminals', async () => {
    FakeSocket.all = [];
    const client = new StreamClient({
      url: 'ws://x/api/v1/stream',
      createSocket: (url, protocols) => new FakeSocket(url, protocols) as unknown as WebSocket,
      minBackoffMs: 1,
      maxBackoffMs: 5,
    });
    const seen: number[] = [];
    const states: string[] = [];
    client.onEvent((e) => seen.push(e.id));
    client.onState((s) => states.push(s));
    client.start();
    const first = FakeSocket.all[0] as FakeSocket;
    expect(first.protocols).toEqual(['flotilla.v1']);
    first.serve({ type: 'hello', serverVersion: '1', lastEventId: 41 });
    expect(first.sent[0]).toEqual({ type: 'subscribe', filter: {}, since: 41 });
    first.serve({ type: 'caught_up', lastEventId: 41 });
    expect(client.state).toBe('live');
    client.openTerminal('agent1');
    first.serve(event(42));
    first.serve(event(42)); // a duplicate is dropped
    first.serve(event(43));
    expect(seen).toEqual([42, 43]);

    first.close();
    expect(client.state).toBe('reconnecting');
    await until(() => FakeSocket.all.length === 2, 'a second connection');
    const second = FakeSocket.all[1] as FakeSocket;
    second.serve({ type: 'hello', serverVersion: '1', lastEventId: 50 });
    expect(second.sent[0]).toEqual({ type: 'subscribe', filter: {}, since: 43 });
    second.serve(event(44));
    second.serve({ type: 'caught_up', lastEventId: 50 });
    expect(seen).toEqual([42, 43, 44]);
    expect(second.sent).toContainEqual({ type: 'terminal.open', agentId: 'agent1' });
    expect(states).toEqual(['live', 'reconnecting', 'live']);
    client.stop();
  });

  it('stops retrying when the session is gone', async () => {
    FakeSocket.all = [];
    let asked = 0;
    const client = new StreamClient({
      url: 'ws://x',
      createSocket: (url, protocols) => new FakeSocket(url, protocols) as unknown as WebSocket,
      minBackoffMs: 1,
      maxBackoffMs: 2,
      checkAuth: async () => {
        asked++;
        return false;
      },
    });
    client.start();
    (FakeSocket.all[0] as FakeSocket).close();
    await until(() => asked === 1, 'the session check');
    await new Promise((r) => setTimeout(r, 30));
    expect(FakeSocket.all).toHaveLength(1);
    client.stop();
  });
});
