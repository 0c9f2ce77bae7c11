import { describe, expect, it } from 'vitest';
import {
  AGENT_STATUSES,
  type Agent,
  type AgentStatus,
  type StatusSource,
} from '../../../src/domain/agent.js';
import { AgentMachines, canTransition, isLive, TRANSITIONS } from '../../../src/supervisor/machine.js';
import { agentRecord } from './agent-record.js';

function fakeStore(initial: AgentStatus) {
  const agent: Agent = agentRecord({ status: initial });
  const log: string[] = [];
  return {
    log,
    agents: {
      get: async (id: string) => (id === agent.id ? { ...agent } : null),
      setStatus: async (_id: string, status: AgentStatus, source: StatusSource) => {
        // A slow write: transitions that are not serialized would interleave here.
        await new Promise((r) => setTimeout(r, 5));
        log.push(`${agent.status}>${status}:${source}`);
        agent.status = status;
        return { ...agent };
      },
    },
  };
}

describe('transition table', () => {
  it('covers every status', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...AGENT_STATUSES].sort());
  });

  it('lets live agents move among live statuses and end in any way', () => {
    expect(canTransition('starting', 'working')).toBe(true);
    expect(canTransition('working', 'needs_permission')).toBe(true);
    expect(canTransition('idle', 'crashed')).toBe(true);
    expect(canTransition('needs_input', 'stopped')).toBe(true);
  });

  it('never resurrects a dead agent except through restarting', () => {
    for (const dead of ['exited', 'stopped', 'crashed'] as const) {
      for (const live of ['starting', 'working', 'idle', 'needs_input', 'needs_permission'] as const) {
        expect(canTransition(dead, live)).toBe(false);
      }
      expect(canTransition(dead, 'restarting')).toBe(true);
    }
    expect(canTransition('restarting', 'starting')).toBe(true);
    expect(canTransition('restarting', 'working')).toBe(false);
    expect(canTransition('stopped', 'crashed')).toBe(false);
    expect(canTransition('working', 'starting')).toBe(false);
  });

  it('knows which statuses are live', () => {
    expect(AGENT_STATUSES.filter(isLive)).toEqual([
      'starting',
      'working',
      'needs_input',
      'needs_permission',
      'idle',
      'rate_limited',
    ]);
  });

  it('lets a rate-limited agent go back to work, be relaunched at the reset, or end', () => {
    for (const to of ['working', 'needs_input', 'restarting', 'stopped', 'crashed', 'exited'] as const) {
      expect(canTransition('rate_limited', to)).toBe(true);
    }
    expect(canTransition('working', 'rate_limited')).toBe(true);
    expect(canTransition('exited', 'rate_limited')).toBe(false);
  });
});

describe('AgentMachines', () => {
  it('serializes transitions of one agent in arrival order', async () => {
    const store = fakeStore('starting');
    const m = new AgentMachines(store);
    await Promise.all([
      m.transition('abc234', 'working', 'hook'),
      m.transition('abc234', 'needs_permission', 'hook'),
      m.transition('abc234', 'working', 'hook'),
      m.transition('abc234', 'idle', 'hook'),
    ]);
    expect(store.log).toEqual([
      'starting>working:hook',
      'working>needs_permission:hook',
      'needs_permission>working:hook',
      'working>idle:hook',
    ]);
  });

  it('drops a late signal instead of resurrecting a dead agent, and reports it', async () => {
    const store = fakeStore('crashed');
    const rejected: string[] = [];
    const m = new AgentMachines(store, (_id, from, to) => rejected.push(`${from}>${to}`));
    const r = await m.transition('abc234', 'idle', 'hook');
    expect(r.changed).toBe(false);
    expect(r.rejected).toMatch(/crashed → idle/);
    expect(rejected).toEqual(['crashed>idle']);
    expect(store.log).toEqual([]);
  });

  it('treats the current status as no change', async () => {
    const store = fakeStore('working');
    const r = await new AgentMachines(store).transition('abc234', 'working', 'pane');
    expect(r).toMatchObject({ changed: false });
    expect(r.rejected).toBeUndefined();
  });

  it('holds the lock across several steps of one run', async () => {
    const store = fakeStore('crashed');
    const m = new AgentMachines(store);
    const run = m.run('abc234', async (held) => {
      await held.set('restarting', 'supervisor');
      await new Promise((r) => setTimeout(r, 20));
      await held.set('starting', 'supervisor');
    });
    const late = m.transition('abc234', 'working', 'hook');
    await Promise.all([run, late]);
    expect(store.log).toEqual([
      'crashed>restarting:supervisor',
      'restarting>starting:supervisor',
      'starting>working:hook',
    ]);
  });

  it('fails with NOT_FOUND for an unknown agent and keeps the queue going', async () => {
    const store = fakeStore('working');
    const m = new AgentMachines(store);
    await expect(m.transition('zzz234', 'idle', 'hook')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(m.transition('abc234', 'idle', 'hook')).resolves.toMatchObject({ changed: true });
  });
});
