import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, makeSandbox, type Sandbox, waitFor } from '../helpers/cli.js';

// `flotilla top` / `ps --watch` as a user runs it: the real binary in a real terminal (a pane of a
// private tmux server, read back with capture-pane), fed by a real daemon whose custom agents
// change status on their own. The asker's screen matches its needs_permission pattern after a
// moment; the sleeper just runs.
describe('flotilla top / ps --watch (real binary, daemon, tmux as the terminal)', () => {
  let sb: Sandbox;
  const agentSocket = `flotilla-watch-${process.pid}-${Date.now().toString(36)}`;
  const termSocket = `${agentSocket}-term`;
  const ids: Record<string, string> = {};
  const term = (...args: string[]) =>
    spawnSync('tmux', ['-L', termSocket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const screen = () => term('capture-pane', '-p', '-t', 'w').stdout;

  beforeAll(async () => {
    sb = makeSandbox();
    Object.assign(sb.env, { FLOTILLA_TMUX__SOCKET: agentSocket });
    writeFileSync(
      join(sb.repo, 'flotilla.yaml'),
      [
        'agent: sleeper',
        'agents:',
        `  asker: {adapter: custom, command: sh, args: ["-c", "sleep 4; printf 'Allow deploy \\\\033]0;pwned\\\\007to prod?\\\\n'; sleep 600"], prompt_via: none, pane_patterns: {needs_permission: ["Allow deploy"]}}`,
        '  sleeper: {adapter: custom, command: sh, args: ["-c", "sleep 600"], prompt_via: none}',
        '',
      ].join('\n'),
    );
    expect((await sb.flotilla(['init'])).code).toBe(0);
    for (const [key, agent] of [
      ['sleeper', 'sleeper'],
      ['asker', 'asker'],
    ] as const) {
      const task = JSON.parse((await sb.flotilla(['task', 'add', `Task ${key}`, '--json'])).stdout) as {
        id: string;
      };
      const r = await sb.flotilla(['start', task.id, '--agent', agent, '--json']);
      expect(r.code, r.stderr).toBe(0);
      ids[key] = (JSON.parse(r.stdout) as { id: string }).id;
    }
  }, 60_000);

  afterAll(() => {
    term('kill-server');
    sb?.cleanup();
    spawnSync('tmux', ['-L', agentSocket, 'kill-server']);
  });

  it('shows the waiting agent first with what it asks, moves the selection, answers, and quits cleanly', async () => {
    const env = Object.entries({ ...sb.env, TMUX: undefined }).flatMap(([k, v]) =>
      v === undefined ? [] : ['-e', `${k}=${v}`],
    );
    const cmd = `${process.execPath} ${BIN} top; echo "watch exited $?"; sleep 600`;
    expect(
      term('new-session', '-d', '-s', 'w', '-x', '100', '-y', '20', '-c', sb.repo, ...env, cmd).status,
    ).toBe(0);
    const waiting = await waitFor(
      () => (/1 needs you/.test(screen()) ? screen() : undefined),
      'the watch to show the asker waiting',
      { timeoutMs: 30_000 },
    );
    const rows = waiting.split('\n');
    const askerRow = rows.findIndex((l) => l.includes(ids.asker as string) && l.includes('needs_permission'));
    const sleeperRow = rows.findIndex((l) => l.startsWith('  ') && l.includes(ids.sleeper as string));
    expect(askerRow).toBeGreaterThan(0);
    // Waiting first, selected (the selection follows the top row until the user moves it), with
    // what it asks; the title escape its screen printed never reached our terminal.
    expect(askerRow).toBeLessThan(sleeperRow);
    expect(rows[askerRow]).toMatch(/^› /);
    expect(waiting).toContain('Task asker: Allow deploy');
    expect(waiting).toContain('y approve · n deny · a attach');
    expect(term('display-message', '-p', '-t', 'w', '#{pane_title}').stdout).not.toContain('pwned');

    term('send-keys', '-t', 'w', 'j');
    await waitFor(
      () => (screen().includes(`› ${ids.sleeper}`) ? true : undefined),
      'the selection to move down',
    );
    term('send-keys', '-t', 'w', 'y');
    await waitFor(
      () => (screen().includes('no permission dialog to answer') ? true : undefined),
      'the watch to refuse approving an agent that asks nothing',
    );
    term('send-keys', '-t', 'w', 'k');
    await waitFor(() => (screen().includes(`› ${ids.asker}`) ? true : undefined), 'the selection to move up');
    // A custom agent has no dialog Flotilla can answer: the daemon's refusal is shown, the watch stays.
    term('send-keys', '-t', 'w', 'n');
    await waitFor(() => (/deny \w+: /.test(screen()) ? true : undefined), "the daemon's answer to deny");

    term('send-keys', '-t', 'w', 'q');
    const after = await waitFor(
      () => (screen().includes('watch exited 0') ? screen() : undefined),
      'the watch to exit 0',
    );
    // Left the alternate screen: the shell's screen has no frame of the watch on it.
    expect(after).not.toContain('needs you');
  }, 60_000);

  it('a selected agent attaches: the watch hands the terminal to tmux attach', async () => {
    const env = Object.entries({ ...sb.env, TMUX: undefined }).flatMap(([k, v]) =>
      v === undefined ? [] : ['-e', `${k}=${v}`],
    );
    term('kill-session', '-t', 'w');
    const cmd = `${process.execPath} ${BIN} ps --watch`;
    expect(
      term('new-session', '-d', '-s', 'w', '-x', '100', '-y', '20', '-c', sb.repo, ...env, cmd).status,
    ).toBe(0);
    await waitFor(
      () => (screen().includes(`› ${ids.asker}`) ? true : undefined),
      'the watch to select the asker',
    );
    term('send-keys', '-t', 'w', 'a');
    await waitFor(
      () => (/Allow deploy .*to prod\?/.test(screen()) && !screen().includes('needs you') ? true : undefined),
      "the asker's own screen in the terminal",
    );
    const clients = spawnSync('tmux', ['-L', agentSocket, 'list-clients', '-F', '#{session_name}'], {
      encoding: 'utf8',
    });
    expect(clients.stdout).toContain(ids.asker);
    term('kill-session', '-t', 'w');
  }, 60_000);

  it('without a terminal it prints one line per change, rings the bell with --bell, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'ps', '--watch', '--bell'], { cwd: sb.repo, env: sb.env });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    await waitFor(() => (out.includes(ids.asker as string) ? true : undefined), 'the first listing');
    expect(out).not.toContain('\u001b[');
    expect(out).toContain(`${ids.asker} needs_permission  Allow deploy to prod?`);
    // A new agent that starts waiting: announced with one bell.
    const task = JSON.parse((await sb.flotilla(['task', 'add', 'Ask again', '--json'])).stdout) as {
      id: string;
    };
    const started = JSON.parse(
      (await sb.flotilla(['start', task.id, '--agent', 'asker', '--json'])).stdout,
    ) as {
      id: string;
    };
    await waitFor(
      () => (out.includes(`${started.id} needs_permission`) ? true : undefined),
      'the new agent waiting',
      { timeoutMs: 30_000 },
    );
    expect(out.split('\u0007')).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 60_000);

  it('refuses --bell without --watch and --watch with --json, naming the right form', async () => {
    const bell = await sb.flotilla(['ps', '--bell']);
    expect(bell.code).toBe(2);
    expect(bell.stderr).toContain('flotilla ps --watch --bell');
    const json = await sb.flotilla(['ps', '--watch', '--json']);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('flotilla ps --json');
  });
});
