import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
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

  // The daemon watches the file; a poke only raced the watch (and walked the HTTP stack for it).
  it('writes the line and asks nothing of the daemon, even one found in daemon.json', async () => {
    let requests = 0;
    server = createServer((req, res) => {
      requests++;
      req.resume();
      res.end('{}');
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(join(home, 'daemon.json'), JSON.stringify({ url }));
    const code = await runHook(
      ['hook', 'Stop'],
      env({ FLOTILLA_DAEMON_URL: url, FLOTILLA_AGENT_TOKEN: 'agent-sekrit' }),
      '{"hook_event_name":"Stop"}',
    );
    expect(code).toBe(0);
    expect(lines()).toMatchObject([{ event: 'Stop' }]);
    expect(requests).toBe(0);
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
