import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaemon } from '../../../src/daemon/server.js';
import { type LogLine, LogLineSchema } from '../../../src/domain/log.js';
import { waitFor } from '../../helpers/cli.js';
import type { TempHome } from '../daemon/helpers.js';
import { type CustomAgentDaemon, startCustomAgentDaemon } from './custom-agent-daemon.js';
import type { StreamClient } from './stream-client.js';

/**
 * The logs, REST and live, against a real daemon (store, supervisor, stream) whose agent is a
 * custom command (`sh` echoing what it reads) in a tmux session on a private tmux server: the
 * daemon's own pino file and the agent's pane log, as tmux pipe-pane writes it.
 */
let fx: CustomAgentDaemon;
let home: TempHome;
let daemon: RunningDaemon;
let taskId: string;
let started: Promise<string> | undefined;

const api: CustomAgentDaemon['api'] = (path, body) => fx.api(path, body);

/** The agent, started once by whichever test needs it first. */
const agent = (): Promise<string> => {
  started ??= fx.startAgent(taskId).then((res) => {
    expect(res.status, res.text).toBe(201);
    return (res.json as { id: string }).id;
  });
  return started;
};

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'echoer',
    agentScript: 'printf "\\033[1mhello-from-agent\\033[0m\\n"; while read l; do echo "got:$l"; done',
    socketPrefix: 'flt-logs',
    stream: true,
  });
  ({ home, daemon } = fx);
  taskId = await fx.createTask('Echo things');
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

const open = () => fx.open();

const follow = async (c: StreamClient, source: string) => {
  c.send({ type: 'logs.follow', source });
  return c.next('logs.following', (m) => m.source === source);
};

const linesOf = (c: StreamClient, source: string): LogLine[] =>
  c.messages.flatMap((m) => (m.type === 'logs.lines' && m.source === source ? m.lines : []));

describe('GET /api/v1/logs', () => {
  it("tails the daemon's log as parsed lines", async () => {
    const res = await api('/logs?source=daemon&tail=50');
    expect(res.status, res.text).toBe(200);
    const body = res.json as { source: string; lines: LogLine[] };
    expect(body.source).toBe('daemon');
    for (const line of body.lines) expect(LogLineSchema.parse(line)).toEqual(line);
    const listening = body.lines.find((l) => l.msg.startsWith('daemon listening'));
    expect(listening).toMatchObject({ level: 'info', source: 'daemon', agentId: null });
    expect(Date.parse(listening?.ts ?? '')).toBeGreaterThan(Date.now() - 120_000);
    expect(listening?.msg).toContain(`url=${daemon.url}`);
    const seqs = body.lines.map((l) => l.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // The default source is the daemon; tail bounds the count.
    const two = (await api('/logs?tail=2')).json as { source: string; lines: LogLine[] };
    expect(two.source).toBe('daemon');
    expect(two.lines).toEqual(((await api('/logs?tail=2')).json as { lines: LogLine[] }).lines);
    expect(two.lines).toHaveLength(2);
  });

  it("tails an agent's pane output by unique prefix, escapes removed", async () => {
    const id = await agent();
    const lines = await waitFor(async () => {
      const res = await api(`/logs?source=${id.slice(0, 4)}&tail=10`);
      expect(res.status, res.text).toBe(200);
      const body = res.json as { source: string; lines: LogLine[] };
      expect(body.source).toBe(id);
      return body.lines.some((l) => l.msg === 'hello-from-agent') ? body.lines : null;
    }, 'the greeting in the pane log');
    expect(lines.find((l) => l.msg === 'hello-from-agent')).toMatchObject({
      level: 'info',
      ts: null,
      source: id,
      agentId: id,
    });
  });

  it('refuses an unknown source with 404 and a bad tail with 400', async () => {
    for (const source of ['zzzzzz', 'not-an-id', '..']) {
      const res = await api(`/logs?source=${encodeURIComponent(source)}`);
      expect(res.status, source).toBe(404);
      expect(res.json).toMatchObject({ error: { code: 'NOT_FOUND', message: `no log source '${source}'` } });
    }
    for (const tail of ['0', '100001', 'ten', '1.5']) {
      const res = await api(`/logs?source=daemon&tail=${tail}`);
      expect(res.status, tail).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'INVALID_INPUT', issues: [{ path: 'tail' }] } });
    }
  });
});

describe('logs.follow over the stream', () => {
  it('sends a line the daemon logs after the follow, with its agent', async () => {
    const c = await open();
    expect(await follow(c, 'daemon')).toMatchObject({ resolved: 'daemon' });
    // Starting an agent logs 'agent started' with its agentId.
    const repoId = ((await api(`/tasks/${taskId}`)).json as { repoId: string }).repoId;
    const task = ((await api('/tasks', { repoId, title: 'Another' })).json as { id: string }).id;
    const res = await api('/agents', { task });
    expect(res.status, res.text).toBe(201);
    const id = (res.json as { id: string }).id;
    const line = await waitFor(
      () => linesOf(c, 'daemon').find((l) => l.msg.startsWith('agent started') && l.agentId === id),
      "the daemon's 'agent started' line",
    );
    expect(line).toMatchObject({ level: 'info', source: 'daemon' });
    expect(linesOf(c, 'daemon').some((l) => l.msg.startsWith('daemon listening'))).toBe(false);
  });

  it("sends an agent's new pane lines, by prefix, and stops on unfollow", async () => {
    const id = await agent();
    const c = await open();
    const prefix = id.slice(0, 3);
    expect(await follow(c, prefix)).toMatchObject({ source: prefix, resolved: id });
    expect((await api(`/agents/${id}/send`, { text: 'ping-log' })).status).toBe(200);
    const answer = await waitFor(
      () => linesOf(c, prefix).find((l) => l.msg === 'got:ping-log'),
      'the agent answer as a log line',
    );
    expect(answer).toMatchObject({ source: id, agentId: id, level: 'info', ts: null });
    // Lines written to the pane log by anyone count, whole lines only.
    const paneLog = join(home.paths.agentsDir, id, 'pane.log');
    appendFileSync(paneLog, '\x1b[33mappended-directly\x1b[0m\r\n');
    await waitFor(() => linesOf(c, prefix).some((l) => l.msg === 'appended-directly'), 'the appended line');
    expect(linesOf(c, prefix).some((l) => l.msg === 'hello-from-agent')).toBe(false);

    c.send({ type: 'logs.unfollow', source: prefix });
    await follow(c, id);
    appendFileSync(paneLog, 'after-unfollow\n');
    await waitFor(() => linesOf(c, id).some((l) => l.msg === 'after-unfollow'), 'the line under the full id');
    c.send({ type: 'ping' });
    await c.next('pong');
    expect(linesOf(c, prefix).some((l) => l.msg === 'after-unfollow')).toBe(false);

    c.send({ type: 'logs.follow', source: 'zzzzzz' });
    expect(await c.next('error')).toMatchObject({ code: 'NOT_FOUND' });
  });
});
