import type { Agent } from '../../../src/domain/agent.js';

/** An agent row as the store returns it, for unit tests that need one without a store. */
export function agentRecord(overrides: Partial<Agent> = {}): Agent {
  const now = new Date().toISOString();
  return {
    id: 'abc234',
    taskId: 'tsk234',
    repoId: 'rep234',
    adapter: 'custom',
    mode: 'interactive',
    status: 'starting',
    statusSource: 'supervisor',
    statusSince: now,
    worktreePath: '/w',
    branch: 'b',
    tmuxSession: 's',
    sessionId: null,
    restartCount: 0,
    pid: null,
    exitCode: null,
    statusDetail: null,
    lastMessage: null,
    pendingPermission: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
