import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/schema.js';
import { agentPaneTarget, TmuxServer } from '../../../src/tmux/index.js';
import { waitFor } from '../../helpers/cli.js';
import { type CustomAgentDaemon, startCustomAgentDaemon } from './custom-agent-daemon.js';
import type { StreamClient } from './stream-client.js';

/**
 * The terminal channel against a real agent: the daemon (store, supervisor, stream) starts a
 * custom agent command (`sh` echoing what it reads) in a tmux session on a private tmux server.
 */
let fx: CustomAgentDaemon;
let config: Config;
let socket: string;
let agentId: string;

const api: CustomAgentDaemon['api'] = (path, body) => fx.api(path, body);

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'echoer',
    agentScript: 'echo hello-from-agent; while read l; do echo "got:$l"; done',
    socketPrefix: 'flt-stream',
    server: { terminal_input: false },
    stream: true,
  });
  ({ config, socket } = fx);
  const started = await fx.startAgent(await fx.createTask('Echo things'));
  expect(started.status).toBe(201);
  agentId = (started.json as { id: string }).id;
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

const open = () => fx.open();

const output = (c: StreamClient) =>
  c.messages.map((m) => (m.type === 'terminal.output' && m.agentId === agentId ? m.data : '')).join('');

describe('the terminal channel', () => {
  it('sends the current screen, then live output', async () => {
    const c = await open();
    const screen = await waitFor(async () => {
      c.send({ type: 'terminal.open', agentId });
      const s = await c.next('terminal.screen', undefined, 2_000);
      c.messages.length = 0;
      return s.data.includes('hello-from-agent') ? s : null;
    }, 'the agent greeting on its screen');
    expect(screen.agentId).toBe(agentId);

    expect((await api(`/agents/${agentId}/send`, { text: 'ping-one' })).status).toBe(200);
    await waitFor(() => output(c).includes('got:ping-one'), 'the agent answer as live output');
  });

  it('refuses input unless server.terminal_input allows it, then types it', async () => {
    const c = await open();
    c.send({ type: 'terminal.open', agentId });
    await c.next('terminal.screen');
    c.send({ type: 'terminal.input', agentId, data: 'typed-two\r' });
    const refused = await c.next('error');
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.hint).toContain('server.terminal_input');

    // The daemon reads the flag on every input, as a config reload would change it.
    config.server.terminal_input = true;
    c.send({ type: 'terminal.input', agentId, data: 'typed-two\r' });
    await waitFor(() => output(c).includes('got:typed-two'), 'the typed line echoed by the agent');
    c.send({ type: 'terminal.open', agentId: 'nope' });
    expect((await c.next('error', (m) => m.code === 'NOT_FOUND')).message).toContain("'nope'");
  });

  it('types keys in the order they were sent, one frame per key as xterm.js sends them', async () => {
    config.server.terminal_input = true;
    const c = await open();
    c.send({ type: 'terminal.open', agentId });
    await c.next('terminal.screen');
    // Frames handled side by side reached the pane out of order ("fro mthe") on a loaded machine.
    const line = 'hello from the browser tab, in order 0123456789';
    for (const ch of line) c.send({ type: 'terminal.input', agentId, data: ch });
    c.send({ type: 'terminal.input', agentId, data: '\r' });
    await waitFor(() => output(c).includes(`got:${line}`), 'the typed line echoed back whole');
  });

  it("sends the pane's real size and cursor with the screen, and a new screen after a resize", async () => {
    const tmux = new TmuxServer({ socketName: socket });
    const [session] = await tmux.listSessions();
    if (!session) throw new Error('the agent has no tmux session');
    /** What tmux itself says about the agent pane, asked directly. */
    const real = async () => {
      const out = await tmux.client.exec([
        'display-message',
        '-p',
        '-t',
        agentPaneTarget(session.name),
        '#{pane_width} #{pane_height} #{cursor_x} #{cursor_y}',
      ]);
      if (out.kind !== 'ok') throw new Error(`tmux display-message: ${out.kind}`);
      const [cols, rows, x, y] = out.result.stdout.trim().split(' ').map(Number);
      return { cols, rows, x, y };
    };

    const c = await open();
    c.send({ type: 'terminal.open', agentId });
    const first = await c.next('terminal.screen');
    const before = await real();
    // The supervisor's default pane size; the frame says the same, and draws every row of it.
    expect({ cols: first.cols, rows: first.rows }).toEqual({ cols: before.cols, rows: before.rows });
    expect(first.cols).toBe(200);
    expect(first.rows).toBe(50);
    expect(first.data.split('\n')).toHaveLength(first.rows);
    // The shell waits in `read` and prints nothing meanwhile: its cursor has not moved since.
    expect({ x: first.cursor.x, y: first.cursor.y }).toEqual({ x: before.x, y: before.y });
    expect(first.cursor.y).toBeGreaterThan(0);

    const resized = await tmux.client.exec([
      'resize-window',
      '-t',
      `=${session.name}:`,
      '-x',
      '120',
      '-y',
      '30',
    ]);
    expect(resized.kind).toBe('ok');
    expect(await real()).toMatchObject({ cols: 120, rows: 30 });
    // The shell does not redraw on SIGWINCH: its next output is what makes the feed look again.
    expect((await api(`/agents/${agentId}/send`, { text: 'after-resize' })).status).toBe(200);
    const second = await c.next('terminal.screen', (m) => m.cols !== first.cols, 5_000);
    expect({ cols: second.cols, rows: second.rows }).toEqual({ cols: 120, rows: 30 });
    expect(second.data.split('\n')).toHaveLength(30);
    await waitFor(() => output(c).includes('got:after-resize'), 'the answer after the resize');

    // A pane resized on its own (not the window) is noticed the same way. A window's only pane
    // cannot be resized, so a second pane is split off below it first, as a user attached might.
    const pane = agentPaneTarget(session.name);
    expect((await tmux.client.exec(['split-window', '-d', '-v', '-t', pane, 'sleep 600'])).kind).toBe('ok');
    expect((await tmux.client.exec(['resize-pane', '-t', pane, '-y', '20'])).kind).toBe('ok');
    expect(await real()).toMatchObject({ cols: 120, rows: 20 });
    expect((await api(`/agents/${agentId}/send`, { text: 'after-pane-resize' })).status).toBe(200);
    const third = await c.next('terminal.screen', (m) => m.rows === 20, 5_000);
    expect(third.cols).toBe(120);
    // Only size changes send screens: no more than these three arrived.
    expect(c.messages.filter((m) => m.type === 'terminal.screen')).toHaveLength(3);
  });
});
