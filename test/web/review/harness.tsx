/**
 * The review tests' records: a review summary and a landing of task `tsk234` (or another id),
 * as `GET /review`, `GET /tasks/:id/review` and `GET /landings` answer them.
 */
import type { Landing, ReviewSummary } from '../../../web/src/api/types.js';
import { T0, task } from '../fixtures.js';

export const ID = 'tsk234';

export function landing(overrides: Partial<Landing> = {}): Landing {
  const taskId = overrides.taskId ?? ID;
  return {
    id: 'lnd234',
    repoId: 'rep234',
    taskId,
    state: 'queued',
    step: null,
    strategy: 'rebase',
    baseRef: 'main',
    branch: `flotilla/${taskId}-x`,
    baseBefore: null,
    commit: null,
    failure: null,
    message: null,
    conflicts: [],
    verifyOutput: null,
    verifyExit: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function summary(overrides: Partial<ReviewSummary> = {}, id = ID): ReviewSummary {
  return {
    task: task({ id, title: 'Fix the parser', status: 'review' }),
    agentId: 'abc234',
    branch: `flotilla/${id}-x`,
    baseRef: 'main',
    commits: [{ sha: 'a'.repeat(40), subject: 'parse nested lists', author: 'Agent', date: T0 }],
    ahead: 1,
    behind: 0,
    files: [{ path: 'src/parse.ts', insertions: 12, deletions: 3, binary: false }],
    totals: { files: 1, insertions: 12, deletions: 3 },
    lastMessage: 'Done: nested lists parse now.',
    landing: null,
    usage: { inputTokens: 1200, outputTokens: 300, costUsd: 0.42 },
    ...overrides,
  };
}
