import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, TASK_TRANSITIONS, taskMoveRefusal } from '../../../src/domain/task.js';

describe('task transition table', () => {
  it('lets a person and an API client move a task from any status to any other, as the board does', () => {
    for (const from of TASK_STATUSES)
      for (const to of TASK_STATUSES) {
        expect(taskMoveRefusal(from, to, 'user')).toBeNull();
        expect(taskMoveRefusal(from, to, 'api')).toBeNull();
      }
    for (const from of TASK_STATUSES) expect(TASK_TRANSITIONS[from]).not.toContain(from);
  });

  it('lets the scheduler and the supervisor make only the moves Flotilla makes by itself', () => {
    expect(taskMoveRefusal('todo', 'in_progress', 'scheduler')).toBeNull();
    expect(taskMoveRefusal('review', 'in_progress', 'supervisor')).toBeNull();
    expect(taskMoveRefusal('in_progress', 'review', 'supervisor')).toBeNull();
    expect(taskMoveRefusal('todo', 'review', 'supervisor')).toBe(
      'supervisor may not move a task from todo to review',
    );
    expect(taskMoveRefusal('todo', 'done', 'scheduler')).toMatch(/may not move/);
  });

  it('lets every kind that can start an agent move its task to in_progress, as the start does', () => {
    for (const actor of ['user', 'api', 'scheduler', 'integration:github'])
      expect(taskMoveRefusal('todo', 'in_progress', actor)).toBeNull();
  });

  it('refuses actors with no rule (agents, hooks) and integrations beyond a start, but never a move to the same status', () => {
    expect(taskMoveRefusal('todo', 'done', 'integration:github')).toBe(
      'integration:github may not move a task from todo to done',
    );
    expect(taskMoveRefusal('in_progress', 'done', 'agent:abc123')).toMatch(/may not move/);
    expect(taskMoveRefusal('todo', 'review', 'hook')).toMatch(/may not move/);
    expect(taskMoveRefusal('todo', 'todo', 'hook')).toBeNull();
  });
});
