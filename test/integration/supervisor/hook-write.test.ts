import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsFile } from '../../../src/agents/hook-cli.js';
import { HookIngestor } from '../../../src/supervisor/hook-events.js';
import { BIN, runCommand } from '../../helpers/cli.js';
import { makeStoreFixture, type StoreFixture } from '../../unit/supervisor/store-fixture.js';

/**
 * The hook's write on a disk that fills up: the real `flotilla hook` (bin/flotilla.js, dist),
 * the real events file, the daemon's real ingestor on a real SQLite store.
 */

const hook = (home: string, agentId: string, event: string, payload: object) =>
  runCommand(process.execPath, [BIN, 'hook', event], {
    cwd: home,
    env: { PATH: process.env.PATH, FLOTILLA_HOME: home, FLOTILLA_AGENT_ID: agentId },
    input: JSON.stringify({ hook_event_name: event, ...payload }),
  });

describe('hook events on a short write', () => {
  let fx: StoreFixture;
  beforeEach(async () => {
    fx = await makeStoreFixture();
    mkdirSync(join(fx.dir, 'agents', fx.agent.id), { recursive: true });
  });
  afterEach(() => fx.cleanup());

  const hookEvents = async () =>
    (await fx.store.events.list({ agentId: fx.agent.id, types: ['agent.hook'] })).map((e) => e.data);

  it('a torn line left by a short write does not swallow the next event', async () => {
    const file = eventsFile(fx.dir, fx.agent.id);
    expect(await hook(fx.dir, fx.agent.id, 'UserPromptSubmit', { prompt: 'go' })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    // What a write cut short by a full disk leaves: the start of a line, no newline.
    appendFileSync(file, '{"ts":"2025-01-01T00:00:00.000Z","agentId":"x","event":"PreTo');
    expect(await hook(fx.dir, fx.agent.id, 'Stop', { stop_hook_active: false })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const warnings: string[] = [];
    const ing = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      watch: false,
      onHook: async () => {},
      logger: { warn: (_o, msg) => void warnings.push(msg) },
    });
    ing.track(fx.agent);
    await ing.pokeAll();
    ing.close();
    expect((await hookEvents()).map((d) => d.hook)).toEqual(['UserPromptSubmit', 'Stop']);
    expect(warnings).toContain('skipped a torn hook events line (a write cut short)');
  });

  it('the reader recovers an event merged into a torn line by an older hook', async () => {
    const file = eventsFile(fx.dir, fx.agent.id);
    const whole = (event: string) =>
      JSON.stringify({ ts: new Date().toISOString(), agentId: fx.agent.id, event, payload: {} });
    writeFileSync(file, `${whole('A')}\n${whole('B').slice(0, 30)}${whole('C')}\n${whole('D')}\n`);
    const ing = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      watch: false,
      onHook: async () => {},
      logger: { warn: () => {} },
    });
    ing.track(fx.agent);
    await ing.pokeAll();
    ing.close();
    expect((await hookEvents()).map((d) => d.hook)).toEqual(['A', 'C', 'D']);
  });
});

// A real full disk: a 16 KiB tmpfs (needs root to mount; skipped otherwise).
const canMount = process.getuid?.() === 0;

describe.skipIf(!canMount)('hook events on a full disk', () => {
  let fx: StoreFixture;
  let mnt: string;
  beforeEach(async () => {
    fx = await makeStoreFixture();
    mnt = mkdtempSync(join(tmpdir(), 'flotilla-full-'));
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
  });
  afterEach(async () => {
    spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
    await fx.cleanup();
  });

  it('exits 0 silently, and the daemon reports the lost event as a health event', async () => {
    const agentDir = join(mnt, 'agents', fx.agent.id);
    mkdirSync(agentDir, { recursive: true });
    // Fill the disk: writes fail from here on (tmpfs counts whole pages).
    const filler = join(mnt, 'filler');
    try {
      for (let i = 0; i < 64; i++) appendFileSync(filler, Buffer.alloc(1024, 120));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const big = 'x'.repeat(8 * 1024);
    expect(await hook(mnt, fx.agent.id, 'PreToolUse', { tool_name: 'Bash', big })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const warnings: string[] = [];
    const ing = new HookIngestor({
      store: fx.store,
      home: mnt,
      watch: false,
      onHook: async () => {},
      logger: { warn: (_o, msg) => void warnings.push(msg) },
    });
    ing.track(fx.agent);
    await ing.pokeAll();
    const health = await fx.store.events.list({ agentId: fx.agent.id, types: ['agent.health'] });
    expect(health.map((e) => e.data)).toMatchObject([
      { check: 'hook-write', level: 'error', message: expect.stringContaining('disk full') },
    ]);
    expect(ing.writeFailure(fx.agent.id)).toContain('disk full');
    expect(warnings.some((w) => w.includes('disk full'))).toBe(true);
    // Space again: the next hook is written whole, on a line of its own, and clears the warning.
    rmSync(filler);
    await hook(mnt, fx.agent.id, 'Stop', {});
    await ing.pokeAll();
    ing.close();
    const hooks = await fx.store.events.list({ agentId: fx.agent.id, types: ['agent.hook'] });
    expect(hooks.map((e) => e.data.hook)).toEqual(['Stop']);
    expect(ing.writeFailure(fx.agent.id)).toBeNull();
    expect(existsSync(join(agentDir, 'hook-write-failed'))).toBe(false);
  });
});
