import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../../../src/api/stream/protocol.js';
import { toTmuxInput } from '../../../src/api/stream/terminal-input.js';
import { CorePlugin } from '../../../src/daemon/core-plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { StreamPlugin } from '../../../src/daemon/stream-plugin.js';
import { waitFor } from '../../helpers/cli.js';
import { isolateGitEnv, makeRepo, type TestRepo } from '../../helpers/git.js';
import { makeTempHome, rawRequest, type TempHome, testConfig } from '../daemon/helpers.js';
import { connect, eventIds, type StreamClient } from './stream-client.js';

/** The stream against a real in-process daemon (store + stream plugins), clients over `ws`. */
let home: TempHome;
let repo: TestRepo;
let daemon: RunningDaemon;
let core: CorePlugin;
let stream: StreamPlugin;
let repoId: string;
const clients: StreamClient[] = [];

const HARD = 512 * 1024;

beforeAll(async () => {
  isolateGitEnv();
  home = makeTempHome();
  repo = await makeRepo();
  core = new CorePlugin();
  stream = new StreamPlugin(core, {
    terminals: false,
    limits: { hardBytes: HARD, softBytes: HARD / 4, heartbeatMs: 150, closeGraceMs: 10_000 },
  });
  daemon = await startDaemon({ paths: home.paths, config: testConfig(), plugins: [core, stream] });
  const res = await post('/repos', { path: repo.path });
  repoId = (res.json as { repo: { id: string } }).repo.id;
});

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await daemon?.close();
  await repo?.cleanup();
  home?.cleanup();
});

const auth = () => ({ authorization: `Bearer ${daemon.token}` });
const post = (path: string, body: unknown) =>
  rawRequest(`${daemon.url}/api/v1${path}`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const open = async (
  headers: Record<string, string> = auth(),
  opts: { protocols?: string[]; autoPong?: boolean } = {},
) => {
  const c = await connect(daemon.url, headers, opts);
  clients.push(c);
  await c.next('hello');
  return c;
};
const createTask = async (title: string) => {
  const res = await post('/tasks', { repoId, title });
  expect(res.status).toBe(201);
  return res.json as { id: string };
};

describe('the stream handshake', () => {
  it('refuses an upgrade without the token, and from a foreign Origin', async () => {
    await expect(connect(daemon.url, {})).rejects.toThrow(/HTTP 401/);
    await expect(connect(daemon.url, { ...auth(), origin: 'https://evil.example' })).rejects.toThrow(
      /HTTP 403/,
    );
    await expect(connect(daemon.url, { ...auth(), host: 'evil.example' })).rejects.toThrow(/HTTP 403/);
  });

  it('lets a browser-style client in with the token as a subprotocol next to flotilla.v1', async () => {
    const c = await open(
      {},
      { protocols: [STREAM_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${daemon.token}`] },
    );
    expect(c.ws.protocol).toBe(STREAM_SUBPROTOCOL);
    await expect(
      connect(daemon.url, {}, { protocols: [STREAM_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}wrong`] }),
    ).rejects.toThrow(/HTTP 401/);
  });

  it('greets with the version and the newest event id, answers ping, and keeps the line on bad input', async () => {
    const c = await open();
    const hello = await c.next('hello');
    expect(hello.lastEventId).toBeGreaterThan(0); // repo.registered
    c.ws.send('not json');
    expect((await c.next('error')).code).toBe('INVALID_INPUT');
    c.send({ type: 'subscribe', filter: { types: ['no.such'] } });
    await c.next('error', (m) => m.message.includes('filter.types'));
    c.send({ type: 'ping' });
    await c.next('pong');
    c.send({ type: 'terminal.open', agentId: 'a-1' });
    await c.next('error', (m) => m.code === 'CONFLICT');
    expect(c.closed).toBeNull();
  });

  it('closes a client that stops answering heartbeats', async () => {
    const c = await open(auth(), { autoPong: false });
    await waitClosed(c, 'the silent client closed by the heartbeat');
  });
});

const waitClosed = (c: StreamClient, what: string) => waitFor(() => c.closed, what);

describe('events', () => {
  it('streams live task events after caught_up, filtered by type and task', async () => {
    const all = await open();
    all.send({ type: 'subscribe', filter: { types: ['task.created'] } });
    await all.next('caught_up');
    const task = await createTask('Live one');
    const got = await all.next('event', (m) => m.event.taskId === task.id);
    expect(got.event.type).toBe('task.created');

    const one = await open();
    one.send({ type: 'subscribe', filter: { taskIds: [task.id] }, since: 0 });
    await one.next('caught_up');
    await createTask('Someone else');
    expect((await post(`/tasks/${task.id}/move`, { status: 'backlog' })).status).toBe(200);
    await one.next('event', (m) => m.event.type === 'task.moved');
    expect(
      one.messages.flatMap((m) => (m.type === 'event' ? [m.event.taskId] : [])).every((t) => t === task.id),
    ).toBe(true);
    expect(all.messages.filter((m) => m.type === 'event').every((m) => m.event.type === 'task.created')).toBe(
      true,
    );
  });

  it('resumes after a killed connection with nothing missing or duplicated', async () => {
    let producing = true;
    const produced: string[] = [];
    const producer = (async () => {
      for (let i = 0; producing; i++) produced.push((await createTask(`flow ${i}`)).id);
    })();
    try {
      const start = await open();
      const since = (await start.next('hello')).lastEventId;
      start.send({ type: 'subscribe', filter: { types: ['task.created'] }, since });
      await waitFor(() => eventIds(start).length >= 15, '15 events on the first connection');
      start.ws.terminate();
      const first = eventIds(start);
      const last = first.at(-1) ?? since;

      const again = await open();
      again.send({ type: 'subscribe', filter: { types: ['task.created'] }, since: last });
      await again.next('caught_up');
      await waitFor(() => eventIds(again).length >= 15, '15 events on the second connection');
      producing = false;
      await producer;
      const end = (
        await core.store.events.list({ afterId: since, types: ['task.created'], limit: 10_000 })
      ).at(-1)?.id;
      await waitFor(() => eventIds(again).at(-1) === end, 'the newest event on the resumed connection');

      const union = [...first, ...eventIds(again)];
      const log = (
        await core.store.events.list({ afterId: since, types: ['task.created'], limit: 10_000 })
      ).map((e) => e.id);
      expect(union).toEqual(log);
      expect(new Set(union).size).toBe(union.length);
      expect(log.length).toBeGreaterThanOrEqual(30);
      expect(produced.length).toBeGreaterThanOrEqual(log.length - 1);
    } finally {
      producing = false;
      await producer;
    }
  });

  it('drops a client that never reads, with a reason, while memory stays bounded', async () => {
    const c = await open();
    c.send({ type: 'subscribe', filter: {} });
    await c.next('caught_up');
    c.ws._socket.pause();
    const rssBefore = process.memoryUsage().rss;
    const dropsBefore = stream.instance.stats.dropped;
    const payload = 'x'.repeat(8 * 1024);
    // Flood until the daemon gives up on the client (kernel buffers absorb the first few MiB).
    for (let i = 0; i < 20_000 && stream.instance.stats.dropped === dropsBefore; i++) {
      await core.store.events.append({
        type: 'agent.health',
        actor: 'supervisor',
        data: { check: 'flood', level: 'info', message: payload, i },
      });
    }
    expect(stream.instance.stats.dropped).toBe(dropsBefore + 1);
    // Never more than one frame beyond the hard limit was queued for it.
    expect(stream.instance.stats.maxBuffered).toBeLessThan(HARD + 64 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
    c.ws._socket.resume();
    const closed = await waitFor(() => c.closed, 'the close frame reaching the slow client');
    expect(closed).toEqual({ code: 1008, reason: 'slow consumer' });
    expect(c.messages.at(-1)).toEqual({ type: 'bye', reason: 'slow consumer' });
    // Others are unaffected.
    const other = await open();
    other.send({ type: 'ping' });
    await other.next('pong');
  });
});

describe('terminal input mapping', () => {
  it('types printable runs literally and turns control bytes and arrows into tmux keys', () => {
    expect(toTmuxInput('ls -la\r')).toEqual([{ text: 'ls -la' }, { key: 'Enter' }]);
    expect(toTmuxInput('\x03\x1b[Ay\x7f\x1b')).toEqual([
      { key: 'C-c' },
      { key: 'Up' },
      { text: 'y' },
      { key: 'BSpace' },
      { key: 'Escape' },
    ]);
    expect(toTmuxInput('é\t\x1c')).toEqual([{ text: 'é' }, { key: 'Tab' }, { key: 'C-\\' }]);
  });
});

describe('a stopping daemon', () => {
  it('says bye to its clients with the reason and close code 1001', async () => {
    const other = makeTempHome();
    const otherCore = new CorePlugin();
    const d = await startDaemon({
      paths: other.paths,
      config: testConfig(),
      plugins: [otherCore, new StreamPlugin(otherCore, { terminals: false })],
    });
    try {
      const c = await connect(d.url, { authorization: `Bearer ${d.token}` });
      await c.next('hello');
      await d.close();
      const closed = await waitFor(() => c.closed, 'the client closed by the stopping daemon');
      expect(closed).toEqual({ code: 1001, reason: 'daemon stopping' });
      expect(c.messages.at(-1)).toEqual({ type: 'bye', reason: 'daemon stopping' });
    } finally {
      await d.close();
      other.cleanup();
    }
  });
});
