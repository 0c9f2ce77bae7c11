import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HookLine } from '../../../src/agents/hook-cli.js';
import { HookIngestor, summarizeHook } from '../../../src/supervisor/hook-events.js';
import { readCompleteLines } from '../../../src/supervisor/hook-file.js';
import { makeStoreFixture, type StoreFixture } from './store-fixture.js';

const line = (event: string, payload: Record<string, unknown> = {}) =>
  `${JSON.stringify({ ts: new Date().toISOString(), agentId: 'x', event, payload })}\n`;

describe('readCompleteLines', () => {
  let fx: StoreFixture;
  beforeEach(async () => {
    fx = await makeStoreFixture();
  });
  afterEach(() => fx.cleanup());

  it('returns complete lines only and leaves a partial last line for later', () => {
    const file = join(fx.dir, 'events.jsonl');
    writeFileSync(file, `${line('A')}${line('B')}{"partial":`);
    const first = readCompleteLines(file, 0);
    expect(first.lines.map((l) => JSON.parse(l.text).event)).toEqual(['A', 'B']);
    expect(first.offset).toBe(Buffer.byteLength(line('A') + line('B')));
    const again = readCompleteLines(file, first.offset);
    expect(again.lines).toEqual([]);
    expect(again.offset).toBe(first.offset);
    appendFileSync(file, '1}\n');
    const rest = readCompleteLines(file, first.offset);
    expect(rest.lines.map((l) => l.text)).toEqual(['{"partial":1}']);
  });

  it('reads multi-byte text split across chunk boundaries intact', () => {
    const file = join(fx.dir, 'big.jsonl');
    const big = line('Big', { text: 'é€😀'.repeat(30_000) });
    writeFileSync(file, big + line('After'));
    const r = readCompleteLines(file, 0);
    expect(r.lines).toHaveLength(2);
    expect(JSON.parse(r.lines[0]!.text).payload.text).toBe('é€😀'.repeat(30_000));
  });

  it('starts again from 0 when the file shrank (replaced)', () => {
    const file = join(fx.dir, 'e.jsonl');
    writeFileSync(file, line('New'));
    const r = readCompleteLines(file, 10_000);
    expect(r.reset).toBe(true);
    expect(r.lines).toHaveLength(1);
  });

  it('treats a missing file as empty', () => {
    expect(readCompleteLines(join(fx.dir, 'nope'), 5)).toMatchObject({ lines: [], offset: 5 });
  });
});

describe('HookIngestor', () => {
  let fx: StoreFixture;
  let file: string;
  beforeEach(async () => {
    fx = await makeStoreFixture();
    mkdirSync(join(fx.dir, 'agents', fx.agent.id), { recursive: true });
    file = join(fx.dir, 'agents', fx.agent.id, 'events.jsonl');
  });
  afterEach(() => fx.cleanup());

  const hookEvents = async () =>
    (await fx.store.events.list({ agentId: fx.agent.id, types: ['agent.hook'] })).map((e) => e.data.hook);

  it('commits one agent.hook event per line with the offset, and hands each line on in order', async () => {
    const seen: HookLine[] = [];
    const ing = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      watch: false,
      onHook: async (_a, l) => void seen.push(l),
    });
    ing.track(fx.agent);
    appendFileSync(
      file,
      line('SessionStart', { source: 'startup' }) +
        line('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'ls -la' } }),
    );
    expect(await ing.poke(fx.agent.id)).toBe(2);
    expect(seen.map((l) => l.event)).toEqual(['SessionStart', 'PreToolUse']);
    const events = await fx.store.events.list({ agentId: fx.agent.id, types: ['agent.hook'] });
    expect(events.map((e) => e.data.summary)).toEqual(['SessionStart startup', 'PreToolUse Bash: ls -la']);
    expect((await fx.store.supervision.get(fx.agent.id)).hookOffset).toBe(
      Buffer.byteLength(await import('node:fs').then((f) => f.readFileSync(file))),
    );
    ing.close();
  });

  it("records a line together with the status it caused, and alone when the handler's write fails", async () => {
    let calls = 0;
    const ing = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      watch: false,
      onHook: async (_a, l, commit) => {
        calls++;
        const status = l.event === 'Stop' ? 'idle' : 'no-such-status';
        await commit({ status: { status: status as 'idle', source: 'hook', actor: 'hook' } });
      },
    });
    ing.track(fx.agent);
    appendFileSync(file, line('Stop') + line('Broken'));
    expect(await ing.poke(fx.agent.id)).toBe(2);
    expect(calls).toBe(2);
    // Each line once: the failed status write took the line's event with it, then the line was
    // recorded on its own.
    expect(await hookEvents()).toEqual(['Stop', 'Broken']);
    expect((await fx.store.agents.get(fx.agent.id))?.status).toBe('idle');
    const changes = await fx.store.events.list({ agentId: fx.agent.id, types: ['agent.status_changed'] });
    expect(changes.map((e) => e.data.to)).toEqual(['idle']);
    ing.close();
  });

  it('waits for the newline of a line being written', async () => {
    const ing = new HookIngestor({ store: fx.store, home: fx.dir, watch: false, onHook: async () => {} });
    ing.track(fx.agent);
    const full = line('Stop');
    appendFileSync(file, full.slice(0, 10));
    expect(await ing.poke(fx.agent.id)).toBe(0);
    appendFileSync(file, full.slice(10));
    expect(await ing.poke(fx.agent.id)).toBe(1);
    expect(await hookEvents()).toEqual(['Stop']);
    ing.close();
  });

  it('resumes from the persisted offset after a restart: nothing lost, nothing twice', async () => {
    const first = new HookIngestor({ store: fx.store, home: fx.dir, watch: false, onHook: async () => {} });
    first.track(fx.agent);
    appendFileSync(file, line('A') + line('B'));
    await first.poke(fx.agent.id);
    first.close();
    // Written while no daemon ran.
    appendFileSync(file, line('C') + line('D'));
    const seen: string[] = [];
    const second = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      watch: false,
      onHook: async (_a, l) => void seen.push(l.event),
    });
    second.track(fx.agent);
    await second.pokeAll();
    expect(seen).toEqual(['C', 'D']);
    expect(await hookEvents()).toEqual(['A', 'B', 'C', 'D']);
    second.close();
  });

  it('ingests each line once under concurrent pokes', async () => {
    const ing = new HookIngestor({ store: fx.store, home: fx.dir, watch: false, onHook: async () => {} });
    ing.track(fx.agent);
    for (let i = 0; i < 20; i++) appendFileSync(file, line(`E${i}`));
    await Promise.all([ing.poke(fx.agent.id), ing.poke(fx.agent.id), ing.pokeAll(), ing.poke(fx.agent.id)]);
    expect(await hookEvents()).toEqual(Array.from({ length: 20 }, (_, i) => `E${i}`));
    ing.close();
  });

  it('keeps going past an invalid line and a failing handler', async () => {
    const ing = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      watch: false,
      onHook: async (_a, l) => {
        if (l.event === 'A') throw new Error('handler broke');
      },
      logger: { warn: () => {} },
    });
    ing.track(fx.agent);
    appendFileSync(file, `${line('A')}not json\n${line('B')}`);
    expect(await ing.poke(fx.agent.id)).toBe(3);
    expect(await hookEvents()).toEqual(['A', 'invalid', 'B']);
    ing.close();
  });

  it('notices new lines through fs.watch without a poke', async () => {
    const seen: string[] = [];
    const ing = new HookIngestor({
      store: fx.store,
      home: fx.dir,
      onHook: async (_a, l) => void seen.push(l.event),
    });
    ing.track(fx.agent);
    appendFileSync(file, line('Watched'));
    const deadline = Date.now() + 5_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen, 'fs.watch never delivered the new line').toEqual(['Watched']);
    ing.close();
  });
});

describe('summarizeHook', () => {
  it('says what happened in one short line', () => {
    expect(summarizeHook('Notification', { notification_type: 'permission_prompt' })).toBe(
      'Notification permission_prompt',
    );
    expect(summarizeHook('PreToolUse', { tool_name: 'Write', tool_input: { file_path: '/a/b.ts' } })).toBe(
      'PreToolUse Write: /a/b.ts',
    );
    expect(summarizeHook('Stop', {})).toBe('Stop');
    expect(summarizeHook('UserPromptSubmit', { prompt: `${'x'.repeat(300)}` }).length).toBeLessThanOrEqual(
      160,
    );
  });
});
