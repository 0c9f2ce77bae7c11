import { describe, expect, it } from 'vitest';
import type { EventType, FlotillaEvent } from '../../../src/domain/event.js';
import { EventBus } from '../../../src/events/bus.js';
import { waitFor } from '../../helpers/cli.js';

let nextId = 1;
const ev = (type: EventType, agentId: string | null = null): FlotillaEvent =>
  ({
    id: nextId++,
    ts: new Date().toISOString(),
    type,
    actor: 'supervisor',
    repoId: null,
    taskId: null,
    agentId,
    // The bus never looks at payloads.
    data: {},
  }) as FlotillaEvent;

describe('EventBus', () => {
  it('gives a late subscriber the agent history, then the live stream, with no gap or repeat', () => {
    const bus = new EventBus({ perAgent: 3 });
    // Ids in publishing order, as the feeder publishes them.
    const first = ev('agent.created', 'a');
    bus.publish(first);
    bus.publish(ev('agent.created', 'b'));
    const a = [first, ev('agent.status_changed', 'a'), ev('agent.hook', 'a'), ev('agent.hook', 'a')];
    for (const e of a.slice(1)) bus.publish(e);
    const seen: number[] = [];
    bus.subscribe({ agentId: 'a' }, (e) => seen.push(e.id));
    // The buffer holds 3: the oldest event of agent a has been dropped.
    expect(seen).toEqual(a.slice(1).map((e) => e.id));
    const live = ev('agent.health', 'a');
    bus.publish(live);
    bus.publish(ev('agent.health', 'b'));
    expect(seen).toEqual([...a.slice(1).map((e) => e.id), live.id]);
  });

  it('filters by type and prefix, and replays only after a given id', () => {
    const bus = new EventBus();
    const first = ev('task.created');
    const second = ev('agent.hook', 'x');
    const third = ev('task.moved');
    for (const e of [first, second, third]) bus.publish(e);
    const tasks: number[] = [];
    bus.subscribe({ types: ['task.*'], afterId: first.id }, (e) => tasks.push(e.id));
    expect(tasks).toEqual([third.id]);
    const hooks: number[] = [];
    bus.subscribe({ types: ['agent.hook'], liveOnly: true }, (e) => hooks.push(e.id));
    const fourth = ev('agent.hook', 'y');
    bus.publish(fourth);
    expect(hooks).toEqual([fourth.id]);
  });

  it('delivers an event once even when published twice', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    bus.subscribe({}, (e) => seen.push(e.id));
    const e = ev('agent.created', 'a');
    bus.publish(e);
    bus.publish(e);
    expect(seen).toEqual([e.id]);
    expect(bus.agentEvents('a')).toHaveLength(1);
  });

  it('isolates a throwing subscriber and supports unsubscribe', () => {
    const errors: unknown[] = [];
    const bus = new EventBus({ onError: (err) => errors.push(err) });
    const seen: number[] = [];
    bus.subscribe({}, () => {
      throw new Error('boom');
    });
    const off = bus.subscribe({}, (e) => seen.push(e.id));
    const e1 = ev('daemon.reconciled');
    bus.publish(e1);
    off();
    bus.publish(ev('repo.registered'));
    expect(seen).toEqual([e1.id]);
    expect(errors).toHaveLength(2);
    expect(bus.subscriberCount).toBe(1);
  });

  it('keeps a throwing and a slow subscriber from holding up a normal one, each in order', async () => {
    const errors: unknown[] = [];
    const bus = new EventBus({ onError: (err) => errors.push(err) });
    bus.subscribe({}, (e) => {
      if (e.id % 2 === 0) throw new Error(`boom ${e.id}`);
    });
    const slow: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    bus.subscribe({}, async (e) => {
      await gate;
      slow.push(e.id);
    });
    const normal: number[] = [];
    bus.subscribe({}, (e) => {
      normal.push(e.id);
    });
    const published = Array.from({ length: 50 }, () => ev('agent.hook', 'a'));
    for (const e of published) bus.publish(e);
    const ids = published.map((e) => e.id);
    // The normal subscriber had every event the moment it was published; the slow one none yet.
    expect(normal).toEqual(ids);
    expect(slow).toEqual([]);
    expect(errors).toHaveLength(25);
    release();
    await waitFor(() => slow.length === ids.length, 'the slow subscriber to get all 50 events');
    expect(slow).toEqual(ids);
  });

  it('drops a subscriber that falls further behind than its queue, and tells why', async () => {
    const errors: unknown[] = [];
    const bus = new EventBus({ onError: (err) => errors.push(err) });
    const never = new Promise<void>(() => {});
    bus.subscribe({}, () => never, { maxQueued: 3 });
    for (let i = 0; i < 5; i++) bus.publish(ev('agent.hook', 'a'));
    expect(bus.subscriberCount).toBe(0);
    expect(String(errors[0])).toContain('fell 3 events behind');
  });

  it('gives a subscriber added while an event is published that event once (from history)', () => {
    const bus = new EventBus();
    const late: number[] = [];
    bus.subscribe({}, () => {
      if (late.length === 0) bus.subscribe({}, (e) => late.push(e.id));
    });
    const e = ev('agent.hook', 'a');
    bus.publish(e);
    expect(late.filter((id) => id === e.id)).toHaveLength(1);
  });
});
