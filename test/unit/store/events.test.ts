import { describe, expect, it } from 'vitest';
import type { EventType, FlotillaEvent, NewEvent } from '../../../src/domain/event.js';
import { expectFlotillaError, storeFixture, tableCounts } from './helpers.js';

const setup = storeFixture();
const HOOK = { hook: 'Stop', summary: 'Stop', hookTs: '2026-01-01T00:00:00.000Z' };

describe('events', () => {
  it('appends with monotonic ids and lists with filters and id pagination', async () => {
    const { store, repo } = await setup();
    const start = await store.events.latestId();
    expect(start).toBeGreaterThan(0); // repo.registered
    const appended: FlotillaEvent[] = [];
    for (let i = 0; i < 5; i++) {
      const refs = { repoId: repo.id, agentId: i < 3 ? 'a7b8c9' : 'k3f9qa' };
      appended.push(
        await store.events.append(
          i % 2
            ? { type: 'agent.hook', actor: 'hook', ...refs, data: { ...HOOK, i } }
            : {
                type: 'agent.health',
                actor: 'hook',
                ...refs,
                data: { check: 'stuck', level: 'info', message: 'm', i },
              },
        ),
      );
    }
    const ids = appended.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBe(start + 1);
    expect(await store.events.latestId()).toBe(ids[4]);

    const page1 = await store.events.list({ afterId: start, limit: 2 });
    const page2 = await store.events.list({ afterId: page1[1]?.id, limit: 2 });
    expect([...page1, ...page2].map((e) => e.data.i)).toEqual([0, 1, 2, 3]);
    expect((await store.events.list({ agentId: 'a7b8c9' })).map((e) => e.data.i)).toEqual([0, 1, 2]);
    expect((await store.events.list({ types: ['agent.hook'] })).map((e) => e.data.i)).toEqual([1, 3]);
    expect((await store.events.list({ order: 'desc', limit: 2 })).map((e) => e.data.i)).toEqual([4, 3]);
    expect((await store.events.list({ beforeId: ids[2], afterId: start })).map((e) => e.data.i)).toEqual([
      0, 1,
    ]);
    const third = appended[2]!;
    expect((await store.events.list({ since: third.ts, until: third.ts })).map((e) => e.id)).toContain(
      third.id,
    );
    expect(await store.events.list({ since: '2999-01-01T00:00:00.000Z' })).toEqual([]);
  });

  it('refuses unknown types and actors, and bad limits', async () => {
    const { store } = await setup();
    // As an API client could send them, past the type checker.
    const badType = { type: 'task.exploded', actor: 'user', data: {} } as unknown as NewEvent;
    const badActor = { type: 'agent.hook', actor: 'robot', data: {} } as unknown as NewEvent;
    await expectFlotillaError(store.events.append(badType), 'INVALID_INPUT');
    await expectFlotillaError(store.events.append(badActor), 'INVALID_INPUT');
    await expectFlotillaError(store.events.list({ limit: 0 }), 'INVALID_INPUT');
  });

  it('writes current actors only, and reads the legacy ones old databases hold', async () => {
    const { store, repo } = await setup();
    for (const actor of ['cli', 'integration', 'integration:', 'agent:x', 'Agent:a7b8c9']) {
      const event = { type: 'agent.hook', actor, data: {} } as unknown as NewEvent;
      await expectFlotillaError(store.events.append(event), 'INVALID_INPUT');
    }
    for (const actor of ['integration:github', 'agent:a7b8c9', 'scheduler'] as const) {
      expect((await store.events.append({ type: 'agent.hook', actor, data: HOOK })).actor).toBe(actor);
    }
    // Rows an older Flotilla wrote: `cli` was the CLI's actor then, and this payload lacks the
    // fields task.created has now; a type this Flotilla does not know is read as written too.
    const row = { ts: '2026-01-01T00:00:00.000Z', repo_id: repo.id, task_id: null, agent_id: null };
    await store.db
      .insertInto('events')
      .values([
        { ...row, type: 'task.created', actor: 'cli', data: '{"title":"old"}' },
        { ...row, type: 'agent.output' as EventType, actor: 'daemon', data: '{"chunk":"hi"}' },
      ])
      .execute();
    const [unknown, old] = await store.events.list({ order: 'desc', limit: 2 });
    expect(old).toMatchObject({ type: 'task.created', actor: 'cli', data: { title: 'old' } });
    expect(unknown).toMatchObject({ type: 'agent.output', data: { chunk: 'hi' } });
  });

  it('refuses a payload that does not match its type (the type checker refuses it first)', async () => {
    const { store } = await setup();
    // @ts-expect-error — a status change needs from, to and source.
    const wrong: NewEvent = { type: 'agent.status_changed', actor: 'supervisor', data: { to: 'idle' } };
    const err = await expectFlotillaError(store.events.append(wrong), 'INVALID_INPUT');
    expect(err.message).toContain('agent.status_changed');
    // Unknown keys are kept: payloads are loose, so a newer writer's extra field survives.
    const kept = await store.events.append({
      type: 'agent.status_changed',
      actor: 'supervisor',
      data: { from: 'working', to: 'idle', source: 'hook', extra: 1 },
    });
    expect((await store.events.list({ afterId: kept.id - 1 }))[0]?.data).toMatchObject({ extra: 1 });
  });

  it('publishes events to listeners after commit, and never those of a rolled-back transaction', async () => {
    const { store, repo } = await setup();
    const seen: string[] = [];
    const off = store.onEvent((e) => seen.push(e.type));
    const before = await tableCounts(store);
    await expect(
      store.transaction(async (tx) => {
        await tx.tasks.create(repo.id, { title: 'a' }, 'user');
        expect(seen).toEqual([]); // not before commit
        await tx.tasks.create(repo.id, { title: 'b', dependsOn: ['zzzzzz'] }, 'user');
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(seen).toEqual([]);
    expect(await tableCounts(store)).toEqual(before);

    await store.transaction(async (tx) => {
      const a = await tx.tasks.create(repo.id, { title: 'a' }, 'user');
      await tx.tasks.move(a.id, 'in_progress', 'user');
    });
    expect(seen).toEqual(['task.created', 'task.moved']);
    off();
    await store.tasks.create(repo.id, { title: 'c' }, 'user');
    expect(seen).toHaveLength(2);
  });
});
