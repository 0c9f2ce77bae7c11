import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/domain/agent.js';
import { FlotillaError } from '../../../src/domain/errors.js';
import type { Task } from '../../../src/domain/task.js';
import { up } from '../../../src/scheduler/up.js';

const task = (id: string): Task => ({
  id,
  repoId: 'rrrrrr',
  title: `task ${id}`,
  prompt: '',
  priority: 'normal',
  status: 'todo',
  labels: [],
  dependsOn: [],
  externalRefs: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const agentFor = (taskId: string, status: Agent['status'] = 'starting') =>
  ({ id: `a${taskId}`, taskId, status }) as Agent;

describe('up (scheduler)', () => {
  it('fills the free slots in priority order, reporting the rest as over the limit', async () => {
    const result = await up(
      {
        readyTasks: async () => ['t1', 't2', 't3', 't4'].map(task),
        blockedTasks: async () => [],
        agents: async () => [agentFor('t0', 'working')],
        start: async (id) => agentFor(id),
      },
      { limit: 3 },
    );
    expect(result.started.map((a) => a.taskId)).toEqual(['t1', 't2']);
    expect(result.skipped.map((s) => [s.taskId, s.reason])).toEqual([
      ['t3', 'limit of 3 agents reached'],
      ['t4', 'limit of 3 agents reached'],
    ]);
  });

  it('a failed start frees its slot for the next task and is reported with its code', async () => {
    const result = await up(
      {
        readyTasks: async () => ['t1', 't2', 't3'].map(task),
        blockedTasks: async () => [],
        agents: async () => [],
        start: async (id) => {
          if (id === 't1') throw new FlotillaError('TOOL_MISSING', 'claude is not installed');
          return agentFor(id);
        },
      },
      { limit: 2 },
    );
    expect(result.started.map((a) => a.taskId)).toEqual(['t2', 't3']);
    expect(result.skipped).toEqual([
      { taskId: 't1', title: 'task t1', reason: 'claude is not installed', code: 'TOOL_MISSING' },
    ]);
  });

  it('starts overlap, but never more than the free slots at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const result = await up(
      {
        readyTasks: async () => Array.from({ length: 10 }, (_, i) => task(`t${i}`)),
        blockedTasks: async () => [],
        agents: async () => [],
        start: async (id) => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((r) => setTimeout(r, 20));
          inFlight--;
          return agentFor(id);
        },
      },
      { limit: 3, concurrency: 8 },
    );
    expect(result.started).toHaveLength(3);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('skips tasks that already have a live agent, and says so', async () => {
    const started: string[] = [];
    const result = await up(
      {
        readyTasks: async () => ['t1', 't2'].map(task),
        blockedTasks: async () => [],
        agents: async () => [agentFor('t1', 'needs_input')],
        start: async (id) => {
          started.push(id);
          return agentFor(id);
        },
      },
      { limit: 5 },
    );
    expect(started).toEqual(['t2']);
    expect(result.skipped).toEqual([
      {
        taskId: 't1',
        title: 'task t1',
        reason: 'already running: agent at1 (needs_input)',
        code: 'ALREADY_RUNNING',
      },
    ]);
  });

  it('names what blocks each todo task it did not start, and reports a start refused by admission as the limit', async () => {
    const result = await up(
      {
        readyTasks: async () => ['t1', 't2'].map(task),
        blockedTasks: async () => [
          { task: task('t3'), blockers: [{ id: 'dep001', title: 'Schema first', status: 'in_progress' }] },
        ],
        agents: async () => [],
        start: async (id) => {
          if (id === 't2') throw new FlotillaError('LIMIT_REACHED', 'another up took the last slot');
          return agentFor(id);
        },
      },
      { limit: 4 },
    );
    expect(result.started.map((a) => a.taskId)).toEqual(['t1']);
    expect(result.skipped).toEqual([
      { taskId: 't2', title: 'task t2', reason: 'limit of 4 agents reached', code: 'LIMIT_REACHED' },
      {
        taskId: 't3',
        title: 'task t3',
        reason: 'blocked by "Schema first" (dep001, in_progress)',
        code: 'BLOCKED',
        blockedBy: [{ id: 'dep001', title: 'Schema first', status: 'in_progress' }],
      },
    ]);
  });
});
