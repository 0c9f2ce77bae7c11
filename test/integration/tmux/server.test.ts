import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTmux, TmuxServer } from '../../../src/tmux/index.js';
import { makeTmuxSandbox, type TmuxSandbox, waitFor } from './helpers.js';

let sb: TmuxSandbox;
let n = 0;
const fresh = () => `s${++n}`;

beforeAll(() => {
  sb = makeTmuxSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

/** Run raw tmux on the sandbox server, as a user attached to it would. */
function rawTmux(args: string[]): string {
  const r = spawnSync('tmux', ['-S', sb.server.socketPath, ...args], { encoding: 'utf8', env: sb.env });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('capture', () => {
  it('returns the screen, the last N lines, and colours only when asked', async () => {
    const name = fresh();
    const script = "seq 1 300; printf '\\033[31mRED\\033[0m\\n'; exec cat";
    await sb.server.newSession({ name, cwd: sb.dir, argv: ['sh', '-c', script], height: 20 });
    await waitFor(async () => (await sb.server.capturePane(name)).includes('RED'), 'RED on screen');

    const screen = await sb.server.capturePane(name);
    expect(screen.split('\n')).toHaveLength(20);
    expect(screen).not.toContain('\x1b[');

    const last = await sb.server.capturePane(name, { lines: 5 });
    expect(last.split('\n')).toEqual(['297', '298', '299', '300', 'RED']);
    // 250 lines reach back past the top of the 20-row screen into history.
    const deep = await sb.server.capturePane(name, { lines: 250 });
    expect(deep.split('\n')[0]).toBe('52');

    const coloured = await sb.server.capturePane(name, { escapes: true });
    expect(coloured).toContain('\x1b[31mRED');
  });
});

describe('sendText', () => {
  it('delivers long text byte for byte, in several tmux calls', async () => {
    const name = fresh();
    const out = join(sb.dir, `${name}.bin`);
    // 40 KB: well past tmux's 16 KB command limit. Pieces end in ';' and '\' on purpose.
    const unit = 'ünï 😀 $(x) `y` "q" \'s\' #{pane_id} tab\there\nline;\\;';
    let text = '';
    while (Buffer.byteLength(text) < 40_000) text += unit;
    const bytes = Buffer.byteLength(text);
    // Raw mode: no line discipline (4 KB canonical line limit, echo, CR/NL translation).
    await sb.server.newSession({
      name,
      cwd: sb.dir,
      argv: ['sh', '-c', `stty raw -echo; touch '${out}.ready'; head -c ${bytes} > '${out}'; sleep 600`],
    });
    await waitFor(() => readFileSync(`${out}.ready`, 'utf8') === '', 'the pane switched to raw mode');
    await sb.server.sendText(name, text);
    await waitFor(() => readFileSync(out).length === bytes, `all ${bytes} bytes received`, 10_000);
    expect(readFileSync(out, 'utf8')).toBe(text);
  });
});

describe('logs', () => {
  it('pipes pane output to the log file, across a respawn', async () => {
    const name = fresh();
    const dir = join(sb.dir, "logs it's #{odd} ; dir");
    mkdirSync(dir);
    const log = join(dir, 'agent.log');
    await sb.server.newSession({
      name,
      cwd: sb.dir,
      argv: ['sh', '-c', 'echo first-run-output; exit 0'],
      logFile: log,
    });
    await waitFor(() => readFileSync(log, 'utf8').includes('first-run-output'), 'first output in the log');
    await waitFor(async () => (await sb.server.paneInfo(name))?.paneDead, 'first run ended');
    await sb.server.respawn(name, {
      cwd: sb.dir,
      argv: ['sh', '-c', 'echo second-run-output; sleep 600'],
      logFile: log,
    });
    await waitFor(() => readFileSync(log, 'utf8').includes('second-run-output'), 'second output in the log');
  });
});

describe('the agent pane', () => {
  it('stays the one reported and addressed when a user splits the window', async () => {
    const name = fresh();
    await sb.server.newSession({ name, cwd: sb.dir, argv: ['sh', '-c', 'echo AGENT-PANE; exec cat'] });
    const before = await sb.server.paneInfo(name);
    // What a user does after `flotilla attach`: split (focus moves to the new pane), new window.
    rawTmux(['split-window', '-t', `=${name}:`, '--', 'sh', '-c', 'echo USER-PANE; exec sleep 600']);
    rawTmux(['new-window', '-t', `=${name}:`, '--', 'sh', '-c', 'echo USER-WINDOW; exec sleep 600']);
    const after = await sb.server.paneInfo(name);
    expect(after?.paneId).toBe(before?.paneId);
    expect(after?.panePid).toBe(before?.panePid);
    await waitFor(
      async () => (await sb.server.capturePane(name)).includes('AGENT-PANE'),
      'agent pane captured',
    );
    await sb.server.sendText(name, 'typed-into-agent', { enter: true });
    await waitFor(
      async () => (await sb.server.capturePane(name)).split('typed-into-agent').length === 3,
      'text reached the agent pane (echo + cat)',
    );
    expect((await sb.server.listSessions(name)).filter((p) => p.name === name)).toHaveLength(1);
    await sb.server.killSession(name);
  });
});

describe('the server', () => {
  it('creates a session right after the last one was killed (tmux exits when empty)', async () => {
    for (let i = 0; i < 10; i++) {
      const name = fresh();
      await sb.server.newSession({ name, cwd: sb.dir, argv: ['sleep', '600'] });
      await sb.server.killSession(name);
      expect(await sb.server.hasSession(name)).toBe(false);
    }
  });

  it('lists 50 sessions in one call', async () => {
    const names = Array.from({ length: 50 }, () => `many-${fresh()}`);
    for (const name of names) await sb.server.newSession({ name, cwd: sb.dir, argv: ['sleep', '600'] });
    const started = performance.now();
    const all = await sb.server.listSessions('many-');
    const ms = performance.now() - started;
    expect(all.map((p) => p.name).sort()).toEqual([...names].sort());
    expect(all.every((p) => !p.paneDead && p.panePid !== null)).toBe(true);
    console.log(`listSessions with ${all.length} sessions: ${ms.toFixed(1)} ms`);
  });

  it('makes a killed server visible as no sessions', async () => {
    const name = fresh();
    await sb.server.newSession({ name, cwd: sb.dir, argv: ['sleep', '600'] });
    expect(await sb.server.hasSession(name)).toBe(true);
    await sb.server.killServer();
    expect(await sb.server.listSessions()).toEqual([]);
    expect(await sb.server.hasSession(name)).toBe(false);
    expect(await sb.server.paneInfo(name)).toBeNull();
  });
});

describe('a missing tmux', () => {
  it('is TOOL_MISSING with an install hint', async () => {
    const empty = join(sb.dir, 'empty-bin');
    mkdirSync(empty);
    const env = { ...sb.env, PATH: empty };
    await expect(checkTmux({ env })).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: 'tmux is not installed',
      hint: expect.stringContaining('apt-get install tmux'),
    });
    const server = new TmuxServer({ socketPath: join(sb.dir, 'other.sock'), env });
    await expect(server.listSessions()).rejects.toMatchObject({ code: 'TOOL_MISSING' });
    // The real one is found again with the normal PATH: failures are not cached.
    expect((await checkTmux({ env: sb.env })).version).toMatch(/^\d|^next|^master/);
  });
});
