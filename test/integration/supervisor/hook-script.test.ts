import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOOK_SCRIPT_FILE, hookScript } from '../../../src/agents/claude-code/hook-script.js';
import type { HookLine } from '../../../src/agents/hook-cli.js';
import { HookIngestor } from '../../../src/supervisor/hook-events.js';
import { BIN, runCommand, waitFor } from '../../helpers/cli.js';
import { makeStoreFixture, type StoreFixture } from '../../unit/supervisor/store-fixture.js';

/**
 * The sh hook Claude Code runs on every event (src/agents/claude-code/hook-script.ts): the real
 * /bin/sh, the real events file, `flotilla hook` (dist) as its fallback, and the daemon's real
 * ingestor on a real SQLite store.
 */

describe('the sh hook', () => {
  let fx: StoreFixture;
  let agentDir: string;
  let file: string;
  let script: string;
  beforeEach(async () => {
    fx = await makeStoreFixture();
    agentDir = join(fx.dir, 'agents', fx.agent.id);
    mkdirSync(agentDir, { recursive: true });
    file = join(agentDir, 'events.jsonl');
    script = join(agentDir, HOOK_SCRIPT_FILE);
    writeScript([process.execPath, BIN, 'hook']);
  });
  afterEach(() => fx.cleanup());

  const writeScript = (hookArgv: string[]) =>
    writeFileSync(script, hookScript({ agentDir, agentId: fx.agent.id, hookArgv }), { mode: 0o600 });
  const env = () => ({ PATH: process.env.PATH, FLOTILLA_HOME: fx.dir, FLOTILLA_AGENT_ID: fx.agent.id });
  const hook = (event: string, input: string) =>
    runCommand('/bin/sh', [script, event], { cwd: fx.dir, env: env(), input });
  const silent = { code: 0, stdout: '', stderr: '' };
  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  const parsed = () => lines().map((l) => JSON.parse(l) as HookLine);
  const ingestor = (warnings: string[] = []) => {
    const ing = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      watch: false,
      onHook: async () => {},
      logger: { warn: (_o, msg) => void warnings.push(msg) },
    });
    ing.track(fx.agent);
    return ing;
  };
  const hookEvents = async () =>
    (await fx.store.events.list({ agentId: fx.agent.id, types: ['agent.hook'] })).map((e) => e.data);

  it('writes the payload exactly, one whole line per event, in the line format the reader expects', async () => {
    const pwned = join(fx.dir, 'pwned');
    const tricky = {
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: {
        command: `echo "it's" \\ $(touch ${pwned}) \`touch ${pwned}\` $HOME; printf '%s\\n' x`,
        description: 'quotes " \' and \\ backslashes,\nnewlines\r\n\ttabs, unicode é ✓ 日本 🚀, %s %d',
      },
    };
    expect(await hook('PreToolUse', JSON.stringify(tricky))).toEqual(silent);
    // Pretty-printed JSON (raw newlines between tokens) still becomes one line.
    const pretty = { hook_event_name: 'Stop', last_assistant_message: 'done\n— "ok"' };
    expect(await hook('Stop', `${JSON.stringify(pretty, null, 2)}\n`)).toEqual(silent);
    expect(await hook('SessionEnd', '')).toEqual(silent);

    expect(existsSync(pwned)).toBe(false);
    expect(lines()).toHaveLength(3);
    const [a, b, c] = parsed();
    expect(a).toEqual({ ts: expect.any(String), agentId: fx.agent.id, event: 'PreToolUse', payload: tricky });
    expect(b).toMatchObject({ event: 'Stop', payload: pretty });
    expect(c).toMatchObject({ event: 'SessionEnd', payload: {} });
    for (const line of parsed()) {
      expect(line.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(line.ts) - Date.now())).toBeLessThan(60_000);
    }
    expect(lines()[0]?.startsWith('{"ts":"')).toBe(true);

    const ing = ingestor();
    await ing.pokeAll();
    ing.close();
    const events = await hookEvents();
    expect(events.map((d) => d.hook)).toEqual(['PreToolUse', 'Stop', 'SessionEnd']);
    expect(events[0]?.summary).toContain('PreToolUse Bash: echo "it\'s"');
  });

  it('concurrent hooks never interleave lines, small or large', async () => {
    const sizes = [10, 3_000, 5_000, 40_000, 200_000];
    const runs = Array.from({ length: 30 }, (_, i) => {
      const filler = String.fromCharCode(97 + (i % 26)).repeat(sizes[i % sizes.length] ?? 10);
      return hook('PostToolUse', JSON.stringify({ hook_event_name: 'PostToolUse', n: i, filler }));
    });
    expect(await Promise.all(runs)).toEqual(runs.map(() => silent));
    const got = parsed();
    expect(got).toHaveLength(30);
    expect(got.map((l) => l.payload.n).sort((x, y) => Number(x) - Number(y))).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    for (const l of got) {
      const n = Number(l.payload.n);
      expect(l.payload.filler).toBe(String.fromCharCode(97 + (n % 26)).repeat(sizes[n % sizes.length] ?? 10));
    }
  });

  it('starts on a fresh line after a torn one, and the reader keeps the new event', async () => {
    expect(await hook('UserPromptSubmit', '{"hook_event_name":"UserPromptSubmit","prompt":"go"}')).toEqual(
      silent,
    );
    appendFileSync(file, '{"ts":"2025-01-01T00:00:00.000Z","agentId":"x","event":"PreTo');
    expect(await hook('Stop', '{"hook_event_name":"Stop"}')).toEqual(silent);
    expect(lines()).toHaveLength(3);
    expect(lines()[1]).toBe('{"ts":"2025-01-01T00:00:00.000Z","agentId":"x","event":"PreTo');
    const warnings: string[] = [];
    const ing = ingestor(warnings);
    await ing.pokeAll();
    ing.close();
    expect((await hookEvents()).map((d) => d.hook)).toEqual(['UserPromptSubmit', 'Stop']);
    expect(warnings).toContain('skipped a torn hook events line (a write cut short)');
  });

  it('hands what sh does not handle to `flotilla hook`: text that is not a JSON object, a huge payload', async () => {
    expect(await hook('Notification', 'not json at all')).toEqual(silent);
    const huge = 'y'.repeat(300 * 1024);
    expect(await hook('PostToolUse', JSON.stringify({ hook_event_name: 'PostToolUse', huge }))).toEqual(
      silent,
    );
    const [text, big] = parsed();
    expect(text).toMatchObject({
      event: 'Notification',
      payload: { raw: 'not json at all', invalidJson: true },
    });
    expect(big?.event).toBe('PostToolUse');
    expect(String(big?.payload.huge)).toMatch(/^y{16384}…\[truncated\]$/);
  });

  it('a write that fails leaves the marker the daemon reports (through Node, or by itself when Node cannot run)', async () => {
    // Every write to /dev/full fails with ENOSPC: a full disk.
    rmSync(file, { force: true });
    symlinkSync('/dev/full', file);
    expect(await hook('PreToolUse', '{"hook_event_name":"PreToolUse","tool_name":"Bash"}')).toEqual(silent);
    const marker = join(agentDir, 'hook-write-failed');
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toMatchObject({ event: 'PreToolUse', code: 'ENOSPC' });
    const ing = ingestor();
    await ing.pokeAll();
    expect(ing.writeFailure(fx.agent.id)).toContain('disk full (ENOSPC)');
    ing.close();
    expect(existsSync(marker)).toBe(false);

    writeScript([join(fx.dir, 'no-such-node'), BIN, 'hook']);
    expect(await hook('Stop', '{"hook_event_name":"Stop"}')).toEqual(silent);
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toEqual({ event: 'Stop', code: 'WRITE_FAILED' });
    const again = ingestor();
    await again.pokeAll();
    expect(again.writeFailure(fx.agent.id)).toContain('hook event Stop');
    expect(again.writeFailure(fx.agent.id)).toContain('could not be written');
    again.close();
  });

  it('the daemon reads a line as soon as it is written, with no poke (fs.watch)', async () => {
    const seen: string[] = [];
    const ing = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      onHook: async (_agent, line) => void seen.push(line.event),
    });
    ing.track(fx.agent);
    try {
      await hook('PermissionRequest', '{"hook_event_name":"PermissionRequest","tool_name":"Bash"}');
      await waitFor(async () => seen.includes('PermissionRequest'), 'the watcher to ingest the line', {
        timeoutMs: 5_000,
        intervalMs: 10,
      });
    } finally {
      ing.close();
    }
  });
});
