import { describe, expect, it } from 'vitest';
import type { FlotillaEvent } from '../../../src/domain/event.js';
import { startEventBus } from '../../../src/events/index.js';
import { waitFor } from '../../helpers/cli.js';
import { storeFixture } from '../store/helpers.js';

const setup = storeFixture();
const HOOK = { hook: 'Stop', summary: 'Stop', hookTs: '2026-01-01T00:00:00.000Z' };

describe('bus feeder', () => {
  it('publishes each committed event once, in id order, from now on; a rolled-back one never', async () => {
    const { store, repo } = await setup();
    const before = await store.events.latestId();
    const { bus, close } = await startEventBus(store);
    const seen: FlotillaEvent[] = [];
    bus.subscribe({}, (e) => {
      seen.push(e);
    });
    const one = await store.events.append({ type: 'agent.hook', actor: 'hook', data: HOOK });
    // This process's own commit reaches the bus at once (the wake-up's fast path).
    expect(seen.map((e) => e.id)).toEqual([one.id]);
    await store
      .transaction(async (tx) => {
        await tx.events.append({ type: 'agent.hook', actor: 'hook', data: HOOK });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    const task = await store.tasks.create(repo.id, { title: 't' }, 'user');
    expect(seen.map((e) => e.type)).toEqual(['agent.hook', 'task.created']);
    expect(seen[0]?.id).toBeGreaterThan(before);
    expect(seen[1]?.taskId).toBe(task.id);
    close();
  });

  it('reads from the log what another writer appended, when the next announced id shows a gap', async () => {
    const { store } = await setup();
    const { bus, feeder, close } = await startEventBus(store);
    const seen: number[] = [];
    bus.subscribe({}, (e) => {
      seen.push(e.id);
    });
    // Another process (or host) appends straight to the database: this one is never told.
    const row = { ts: '2026-01-01T00:00:00.000Z', repo_id: null, task_id: null, agent_id: null };
    await store.db
      .insertInto('events')
      .values([
        { ...row, type: 'agent.hook', actor: 'hook', data: JSON.stringify(HOOK) },
        { ...row, type: 'agent.hook', actor: 'hook', data: JSON.stringify(HOOK) },
      ])
      .execute();
    expect(seen).toEqual([]);
    const ours = await store.events.append({ type: 'agent.hook', actor: 'hook', data: HOOK });
    await waitFor(() => seen.length === 3, 'the two foreign events and ours on the bus');
    expect(seen).toEqual([ours.id - 2, ours.id - 1, ours.id]);
    expect(feeder.publishedId).toBe(ours.id);
    close();
  });

  it('keeps id order when announcements come out of order, and never repeats one', async () => {
    const { store } = await setup();
    let wake: (e: FlotillaEvent) => void = () => {};
    const log = {
      events: store.events,
      onEvent: (listener: (e: FlotillaEvent) => void) => {
        wake = listener;
        return () => {};
      },
    };
    const { bus, feeder, close } = await startEventBus(log);
    const seen: number[] = [];
    bus.subscribe({}, (e) => {
      seen.push(e.id);
    });
    const a = await store.events.append({ type: 'agent.hook', actor: 'hook', data: HOOK });
    const b = await store.events.append({ type: 'agent.hook', actor: 'hook', data: HOOK });
    wake(b);
    wake(a);
    await feeder.settled();
    wake(a);
    wake(b);
    expect(seen).toEqual([a.id, b.id]);
    close();
  });

  it('polls the log for another writer when asked to', async () => {
    const { store } = await setup();
    const { bus, close } = await startEventBus(store, { feeder: { pollMs: 20 } });
    const seen: number[] = [];
    bus.subscribe({}, (e) => {
      seen.push(e.id);
    });
    const row = { ts: '2026-01-01T00:00:00.000Z', repo_id: null, task_id: null, agent_id: null };
    await store.db
      .insertInto('events')
      .values({ ...row, type: 'agent.hook', actor: 'hook', data: JSON.stringify(HOOK) })
      .execute();
    await waitFor(() => seen.length === 1, 'the poll to find the foreign event');
    close();
  });
});
