import { EventEmitter } from 'node:events';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogSources } from '../../../src/api/logs/sources.js';
import { MAX_FOLLOWS } from '../../../src/api/stream/log-follows.js';
import type { ServerMessage } from '../../../src/api/stream/protocol.js';
import { DEFAULT_LIMITS, StreamSession, type StreamSocket } from '../../../src/api/stream/session.js';
import { NotFoundError } from '../../../src/domain/errors.js';
import { waitFor } from '../../helpers/cli.js';

/**
 * The `logs.follow` channel of one stream session, over real files, with a stand-in socket (the
 * real WebSocket path is covered by test/integration/api/logs.test.ts): frames, prefixes,
 * errors, back-pressure, and that a closed socket leaves nothing running.
 */
class FakeSocket extends EventEmitter implements StreamSocket {
  /** Pretend the client is this many bytes behind; reads while behind are counted. */
  behind = 0;
  behindReads = 0;
  get bufferedAmount(): number {
    if (this.behind > 0) this.behindReads++;
    return this.behind;
  }
  readonly frames: ServerMessage[] = [];
  send(data: string | Buffer): void {
    this.frames.push(JSON.parse(data.toString()) as ServerMessage);
  }
  ping(): void {}
  close(): void {
    this.emit('close');
  }
  terminate(): void {}
  message(m: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(m)), false);
  }
  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.frames.filter((f): f is Extract<ServerMessage, { type: T }> => f.type === type);
  }
  msgs(source: string): string[] {
    return this.of('logs.lines').flatMap((f) => (f.source === source ? f.lines.map((l) => l.msg) : []));
  }
}

let dir: string;
let daemonLog: string;
const agentLog = (id: string) => join(dir, `${id}.log`);
const sockets: FakeSocket[] = [];
const agents = new Set<string>();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-stream-logs-'));
  daemonLog = join(dir, 'daemon.log');
  writeFileSync(daemonLog, `${JSON.stringify({ level: 30, time: 1, msg: 'before the follow' })}\n`);
  writeFileSync(agentLog('abcdef'), 'old output\n');
  agents.clear();
  agents.add('abcdef');
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(softBytes = DEFAULT_LIMITS.softBytes): FakeSocket {
  const ws = new FakeSocket();
  sockets.push(ws);
  new StreamSession(ws, {
    source: { list: async () => [], latestId: async () => 0, live: () => () => {} },
    version: 'test',
    terminals: null,
    terminalInput: () => false,
    logs: new LogSources({
      daemonLogFile: daemonLog,
      agentLogFile: agentLog,
      resolveAgent: async (p) => {
        const id = [...agents].find((a) => a.startsWith(p));
        if (id === undefined) throw new NotFoundError('agent', p);
        return id;
      },
    }),
    limits: { ...DEFAULT_LIMITS, softBytes },
  });
  return ws;
}

async function follow(ws: FakeSocket, source: string): Promise<void> {
  ws.message({ type: 'logs.follow', source });
  await waitFor(
    () => ws.of('logs.following').find((f) => f.source === source),
    `logs.following for ${source}`,
  );
}

describe('logs.follow over a stream session', () => {
  it('confirms the follow, then sends only new lines, parsed, under the name the client used', async () => {
    const ws = open();
    await follow(ws, 'daemon');
    await follow(ws, 'abc');
    expect(ws.of('logs.following')).toEqual([
      { type: 'logs.following', source: 'daemon', resolved: 'daemon' },
      { type: 'logs.following', source: 'abc', resolved: 'abcdef' },
    ]);
    appendFileSync(
      daemonLog,
      `${JSON.stringify({ level: 50, time: 2, msg: 'it broke', agentId: 'abcdef' })}\n`,
    );
    appendFileSync(agentLog('abcdef'), '\x1b[32mnew output\x1b[0m\r\n');
    await waitFor(() => ws.msgs('daemon').length > 0 && ws.msgs('abc').length > 0, 'lines from both sources');
    const [daemonFrame] = ws.of('logs.lines').filter((f) => f.source === 'daemon');
    expect(daemonFrame?.lines).toEqual([
      {
        seq: expect.any(Number),
        ts: '1970-01-01T00:00:00.002Z',
        level: 'error',
        source: 'daemon',
        agentId: 'abcdef',
        msg: 'it broke',
      },
    ]);
    expect(daemonFrame?.dropped).toBeUndefined();
    expect(ws.of('logs.lines').find((f) => f.source === 'abc')?.lines).toMatchObject([
      { source: 'abcdef', agentId: 'abcdef', msg: 'new output', ts: null },
    ]);
    expect(ws.msgs('daemon')).not.toContain('before the follow');
  });

  it('answers an unknown source with an error and keeps the connection', async () => {
    const ws = open();
    ws.message({ type: 'logs.follow', source: 'zzz' });
    const err = await waitFor(() => ws.of('error')[0], 'an error frame');
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: "no log source 'zzz'" });
    expect(err.hint).toContain('daemon');
    await follow(ws, 'daemon');
  });

  it('stops on unfollow and on close, and caps how many logs one client follows', async () => {
    const watcher = open();
    const quitter = open();
    const closer = open();
    for (const ws of [watcher, quitter, closer]) await follow(ws, 'abcdef');
    quitter.message({ type: 'logs.unfollow', source: 'abcdef' });
    await waitFor(async () => {
      // The unfollow is handled in order with the ping after it.
      quitter.message({ type: 'ping' });
      return quitter.of('pong').length > 0;
    }, 'the pong after the unfollow');
    closer.close();
    appendFileSync(agentLog('abcdef'), 'after both\n');
    await waitFor(
      () => watcher.msgs('abcdef').includes('after both'),
      'the line at the client still following',
    );
    // Both stopped followers read the same file with the same timers: they would have had it by now.
    await waitFor(async () => {
      watcher.message({ type: 'ping' });
      return watcher.of('pong').length > 0;
    }, 'one more round trip');
    expect(quitter.of('logs.lines')).toEqual([]);
    expect(closer.of('logs.lines')).toEqual([]);

    const greedy = open();
    for (let i = 0; i < MAX_FOLLOWS; i++) {
      agents.add(`agent${i}`);
      await follow(greedy, `agent${i}`);
    }
    agents.add('onemore');
    greedy.message({ type: 'logs.follow', source: 'onemore' });
    expect(await waitFor(() => greedy.of('error')[0], 'the refusal')).toMatchObject({ code: 'CONFLICT' });
    // Following a source again replaces its follower: no refusal.
    await follow(greedy, 'agent0');
    expect(greedy.of('error')).toHaveLength(1);
  });

  it('drops lines while the client is behind and says how many', async () => {
    const ws = open(100);
    await follow(ws, 'abcdef');
    ws.behind = 1_000;
    ws.behindReads = 0;
    appendFileSync(agentLog('abcdef'), 'lost 1\nlost 2\n');
    await waitFor(() => ws.behindReads > 0, 'the batch offered while the client is behind');
    ws.behind = 0;
    appendFileSync(agentLog('abcdef'), 'kept\n');
    await waitFor(() => ws.msgs('abcdef').includes('kept'), 'the line after the client caught up');
    expect(ws.of('logs.lines').at(-1)?.dropped).toBe(2);
    expect(ws.msgs('abcdef')).toEqual(['kept']);
  });
});
