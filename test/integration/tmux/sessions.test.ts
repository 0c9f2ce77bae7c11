import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../../src/domain/errors.js';
import { isAlive } from '../../../src/proc/index.js';
import { makeTmuxSandbox, readJsonWhenReady, type TmuxSandbox, waitFor } from './helpers.js';

interface Dump {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
}

let sb: TmuxSandbox;
let n = 0;
const fresh = () => `t${++n}`;

beforeAll(() => {
  sb = makeTmuxSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

describe('a server that is not running', () => {
  it('has no sessions, and killing things on it is not an error', async () => {
    expect(await sb.server.listSessions()).toEqual([]);
    expect(await sb.server.hasSession('nothing')).toBe(false);
    expect(await sb.server.paneInfo('nothing')).toBeNull();
    await sb.server.killSession('nothing');
    await sb.server.killServer();
  });
});

describe('session lifecycle', () => {
  it('creates, lists, types into, captures and kills a session', async () => {
    const name = fresh();
    await sb.server.newSession({ name, cwd: sb.dir, argv: ['cat'] });
    expect(await sb.server.hasSession(name)).toBe(true);
    // A prefix of an existing name is not that session: targets are exact.
    expect(await sb.server.hasSession(name.slice(0, 1))).toBe(false);

    const [info] = await sb.server.listSessions(name);
    expect(info).toMatchObject({
      name,
      paneDead: false,
      paneDeadStatus: null,
      paneDeadSignal: null,
      attached: 0,
    });
    expect(info?.panePid && isAlive(info.panePid)).toBe(true);
    expect(info?.created).toBeGreaterThan(Date.now() - 60_000);
    await waitFor(
      async () => (await sb.server.paneInfo(name))?.paneCurrentCommand === 'cat',
      'cat in the pane',
    );

    await sb.server.sendText(name, 'hello; $(x) `y` Enter', { enter: true });
    // The tty echoes the line, then cat prints it back: two copies.
    await waitFor(
      async () => (await sb.server.capturePane(name)).split('hello; $(x) `y` Enter').length === 3,
      'the typed line echoed and printed by cat',
    );

    await sb.server.killSession(name);
    expect(await sb.server.hasSession(name)).toBe(false);
    await sb.server.killSession(name);
    await expect(sb.server.capturePane(name)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sb.server.sendText(name, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a duplicate name, a missing command and a missing directory', async () => {
    const name = fresh();
    await sb.server.newSession({ name, cwd: sb.dir, argv: ['sleep', '600'] });
    await expect(sb.server.newSession({ name, cwd: sb.dir, argv: ['sleep', '600'] })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      sb.server.newSession({ name: fresh(), cwd: sb.dir, argv: ['no-such-command-flotilla'] }),
    ).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringContaining('no-such-command-flotilla'),
    });
    await expect(
      sb.server.newSession({ name: fresh(), cwd: join(sb.dir, 'missing'), argv: ['sleep', '1'] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      sb.server.newSession({ name: 'a.b', cwd: sb.dir, argv: ['sleep', '1'] }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await sb.server.killSession(name);
  });
});

describe('remain-on-exit', () => {
  it('keeps the pane of a command that exits at once, with its status', async () => {
    const a = fresh();
    const b = fresh();
    await sb.server.newSession({ name: a, cwd: sb.dir, argv: ['false'] });
    await sb.server.newSession({ name: b, cwd: sb.dir, argv: ['sh', '-c', 'exit 3'] });
    const deadA = await waitFor(async () => {
      const p = await sb.server.paneInfo(a);
      return p?.paneDead && p.paneDeadStatus !== null ? p : undefined;
    }, `pane of 'false' dead with a status`);
    expect(deadA).toMatchObject({ paneDeadStatus: 1, paneDeadSignal: null });
    const deadB = await waitFor(async () => {
      const p = await sb.server.paneInfo(b);
      return p?.paneDead && p.paneDeadStatus !== null ? p : undefined;
    }, `pane of 'exit 3' dead with a status`);
    expect(deadB).toMatchObject({ paneDeadStatus: 3, paneDeadSignal: null });
  });

  it('gets the status of every quick exit, even when tmux loses the SIGCHLD', async () => {
    // Debian's tmux (libutempter) misses ~5% of these; paneInfo makes the server reap them.
    const names = Array.from({ length: 20 }, fresh);
    for (const name of names) await sb.server.newSession({ name, cwd: sb.dir, argv: ['sh', '-c', 'exit 5'] });
    for (const name of names) {
      await waitFor(
        async () => (await sb.server.paneInfo(name))?.paneDeadStatus === 5,
        `${name} exited 5`,
        3_000,
      );
    }
    for (const name of names) await sb.server.killSession(name);
  });

  it('reports a signal death by its signal number', async () => {
    const name = fresh();
    await sb.server.newSession({ name, cwd: sb.dir, argv: ['sleep', '600'] });
    const pid = (await sb.server.paneInfo(name))?.panePid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid as number, 'SIGKILL');
    // pane_dead turns 1 first; the signal is filled in when tmux reaps the child.
    const dead = await waitFor(async () => {
      const p = await sb.server.paneInfo(name);
      return p?.paneDead && p.paneDeadSignal !== null ? p : undefined;
    }, 'pane dead with signal 9');
    expect(dead).toMatchObject({ paneDeadSignal: 9, paneDeadStatus: null });
  });

  it('restarts the process in place with respawn, with a new environment', async () => {
    const name = fresh();
    await sb.server.newSession({ name, cwd: sb.dir, argv: ['sh', '-c', 'exit 3'] });
    await waitFor(async () => (await sb.server.paneInfo(name))?.paneDeadStatus === 3, 'first run exited 3');
    const out = join(sb.dir, `${name}.json`);
    await sb.server.respawn(name, {
      cwd: sb.dir,
      argv: [process.execPath, sb.dumpScript],
      env: { DUMP_OUT: out, DUMP_KEYS: 'SECOND', SECOND: 'run 2' },
    });
    const dump = await readJsonWhenReady<Dump>(out, 'respawned process wrote its dump');
    expect(dump.env.SECOND).toBe('run 2');
    expect(await sb.server.paneInfo(name)).toMatchObject({ paneDead: false, paneDeadStatus: null });
  });

  it('sends named keys: C-c interrupts the agent', async () => {
    const name = fresh();
    await sb.server.newSession({ name, cwd: sb.dir, argv: ['cat'] });
    await waitFor(async () => (await sb.server.paneInfo(name))?.paneCurrentCommand === 'cat', 'cat running');
    await sb.server.sendKeys(name, ['C-c']);
    const dead = await waitFor(async () => {
      const p = await sb.server.paneInfo(name);
      return p?.paneDead && p.paneDeadSignal !== null ? p : undefined;
    }, 'cat killed by SIGINT');
    expect(dead.paneDeadSignal).toBe(2);
    await expect(sb.server.sendKeys(name, ['two words'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('arguments, environment and directory arrive byte for byte', () => {
  const nasty = [
    'a;',
    ';',
    'b\\;',
    '\\',
    'end\\',
    '$(touch pwned)',
    '`touch pwned`',
    "it's",
    '"double"',
    'x ; y && z | w > v',
    '',
    '-x',
    '--',
    '{',
    '}',
    '#{session_name}',
    '##',
    '~',
    '*',
    'new\nline',
    'tab\there',
    'ünïcödé 😀 中文',
    '%1',
    '=t1',
  ];

  it('passes every argument of a multi-argument argv untouched', async () => {
    const name = fresh();
    const out = join(sb.dir, `${name}.json`);
    await sb.server.newSession({
      name,
      cwd: sb.dir,
      argv: [process.execPath, sb.dumpScript, ...nasty],
      env: { DUMP_OUT: out },
    });
    const dump = await readJsonWhenReady<Dump>(out, 'argv dump');
    expect(dump.argv).toEqual(nasty);
  });

  it('does not hand a single-element argv to a shell', async () => {
    const name = fresh();
    const weird = join(sb.dir, "we ird $(touch pwned) `x` it's;");
    const marker = join(sb.dir, `${name}.ran`);
    writeFileSync(weird, `#!/bin/sh\necho "$0" > '${marker}'\n`);
    chmodSync(weird, 0o755);
    await sb.server.newSession({ name, cwd: sb.dir, argv: [weird] });
    // The shell creates the file before it writes the line: wait for the whole line.
    const ran = await waitFor(() => {
      const text = readFileSync(marker, 'utf8');
      return text.endsWith('\n') && text;
    }, 'the oddly named command ran');
    expect(ran).toBe(`${weird}\n`);
    expect(() => readFileSync(join(sb.dir, 'pwned'))).toThrow();
  });

  it('passes environment values and an odd working directory untouched', async () => {
    const name = fresh();
    const out = join(sb.dir, `${name}.json`);
    const cwd = join(sb.dir, "dir with 'quotes' #{session_name} ;");
    mkdirSync(cwd);
    const values: Record<string, string> = {
      V_SPACE: 'a b  c',
      V_QUOTES: `single ' double " back \``,
      V_NEWLINE: 'line1\nline2\n',
      V_SEMI: 'ends with;',
      V_SUBST: '$(touch pwned) $' + '{HOME}',
      V_FORMAT: '#{session_name} ##',
      V_UNICODE: 'ünï 😀',
      V_EMPTY: '',
      V_EQUALS: 'a=b=c',
    };
    await sb.server.newSession({
      name,
      cwd,
      argv: [process.execPath, sb.dumpScript],
      env: { ...values, DUMP_OUT: out, DUMP_KEYS: [...Object.keys(values), 'TERM', 'TMUX'].join(',') },
    });
    const dump = await readJsonWhenReady<Dump>(out, 'env dump');
    for (const [k, v] of Object.entries(values)) expect(dump.env[k], k).toBe(v);
    expect(dump.cwd).toBe(cwd);
    // TERM comes from tmux's default-terminal, not from the daemon; TMUX names our server.
    expect(dump.env.TERM).toMatch(/^(tmux|screen)/);
    expect(dump.env.TMUX?.split(',')[0]).toBe(sb.server.socketPath);
  });

  it('rejects bad environment names and says clearly when tmux would refuse the size', async () => {
    await expect(
      sb.server.newSession({ name: fresh(), cwd: sb.dir, argv: ['true', 'x'], env: { 'BAD-NAME': 'x' } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const err = await sb.server
      .newSession({ name: fresh(), cwd: sb.dir, argv: ['true', 'x'], env: { BIG: 'x'.repeat(20_000) } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect(err).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('too large for tmux'),
    });
  });
});
