import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventsFile, MAX_STRING_CHARS, parsePayload, runHook } from '../../../src/agents/hook-cli.js';

const AGENT = 'k3f9qa';

describe('runHook', () => {
  let home: string;
  let server: Server | null = null;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'flotilla-hook-'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
    rmSync(home, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    FLOTILLA_HOME: home,
    FLOTILLA_AGENT_ID: AGENT,
    ...extra,
  });
  const lines = () =>
    readFileSync(eventsFile(home, AGENT), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));

  it('appends one line, exits 0 and prints nothing when no daemon runs', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    const payload = {
      hook_event_name: 'PreToolUse',
      session_id: 's1',
      tool_name: 'Bash',
      tool_input: { command: 'echo "$(x)"' },
    };
    const code = await runHook(
      ['node', 'flotilla', 'hook', 'PreToolUse'],
      env({ FLOTILLA_DAEMON_URL: 'http://127.0.0.1:9' }),
      JSON.stringify(payload),
    );
    expect(code).toBe(0);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    const [l] = lines();
    expect(l).toMatchObject({ agentId: AGENT, event: 'PreToolUse', payload });
    expect(Date.parse(l.ts)).not.toBeNaN();
  });

  it("writes the line before it tells the daemon found in daemon.json, with the agent's own token", async () => {
    // The daemon's token file is there, but an agent's hook never sends it.
    writeFileSync(join(home, 'token'), 'daemon-sekrit\n');
    let seenOnArrival: string | null = null;
    let request: IncomingMessage | null = null;
    server = createServer((req, res) => {
      request = req;
      seenOnArrival = existsSync(eventsFile(home, AGENT))
        ? readFileSync(eventsFile(home, AGENT), 'utf8')
        : null;
      req.resume();
      res.end('{}');
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(join(home, 'daemon.json'), JSON.stringify({ url }));
    // daemon.json (the daemon as it runs now) wins over the URL the agent was started with.
    await runHook(
      ['hook', 'Stop'],
      env({ FLOTILLA_DAEMON_URL: 'http://127.0.0.1:9', FLOTILLA_AGENT_TOKEN: 'agent-sekrit' }),
      '{"hook_event_name":"Stop"}',
    );
    expect(seenOnArrival).toContain('"event":"Stop"');
    expect(request).not.toBeNull();
    const req = request as unknown as IncomingMessage;
    expect(req.url).toBe(`/api/v1/agents/${AGENT}/hook-events`);
    expect(req.method).toBe('POST');
    expect(req.headers.authorization).toBe('Bearer agent-sekrit');
  });

  it('gives up on a daemon that never answers within about 300 ms', async () => {
    server = createServer(() => {});
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = Date.now();
    expect(await runHook(['hook', 'Stop'], env({ FLOTILLA_DAEMON_URL: url }), '{}')).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(lines()).toHaveLength(1);
    server.closeAllConnections();
  });

  it('reads a streamed payload and does not hang when stdin stays open', async () => {
    const open = new PassThrough();
    open.write('{"a":');
    const started = Date.now();
    expect(await runHook(['hook', 'Notification'], env(), open)).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(lines()[0].payload).toEqual({ raw: '{"a":', invalidJson: true });
    const closed = new PassThrough();
    closed.end('{"hook_event_name":"SessionEnd","reason":"other"}');
    await runHook(['hook'], env(), closed);
    expect(lines()[1]).toMatchObject({ event: 'SessionEnd', payload: { reason: 'other' } });
  });

  it('does nothing (and still exits 0) outside an agent or with a suspicious agent id', async () => {
    expect(await runHook(['hook', 'Stop'], { FLOTILLA_HOME: home }, '{}')).toBe(0);
    expect(await runHook(['hook', 'Stop'], env({ FLOTILLA_AGENT_ID: '../../etc' }), '{}')).toBe(0);
    expect(existsSync(join(home, 'agents'))).toBe(false);
  });

  it('never fails the agent when the state dir is unwritable', async () => {
    writeFileSync(join(home, 'agents'), 'a file where a directory should be');
    expect(await runHook(['hook', 'Stop'], env(), '{}')).toBe(0);
  });

  it('keeps concurrent hooks on separate, whole lines', async () => {
    const big = 'z'.repeat(10_000);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => runHook(['hook', `E${i}`], env(), JSON.stringify({ big, i }))),
    );
    const all = lines();
    expect(all).toHaveLength(20);
    expect(new Set(all.map((l) => l.payload.i)).size).toBe(20);
  });
});

describe('parsePayload', () => {
  it('clips very long strings and keeps non-object JSON', () => {
    const p = parsePayload(JSON.stringify({ tool_response: 'y'.repeat(MAX_STRING_CHARS + 10) }));
    expect((p.tool_response as string).length).toBeLessThan(MAX_STRING_CHARS + 20);
    expect(p.tool_response).toMatch(/\[truncated\]$/);
    expect(parsePayload('[1,2]')).toEqual({ value: [1, 2] });
    expect(parsePayload('  ')).toEqual({});
  });
});
