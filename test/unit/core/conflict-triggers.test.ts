import { describe, expect, it } from 'vitest';
import { changesPrediction } from '../../../src/core/conflicts.js';
import type { FlotillaEvent } from '../../../src/domain/event.js';

/** Which events make the daemon recompute a repo's conflict prediction. */
const envelope = {
  id: 1,
  ts: new Date().toISOString(),
  actor: 'supervisor',
  repoId: 'abcdef',
  taskId: null,
  agentId: 'ghjkmn',
} as const;
const status = (to: string): FlotillaEvent =>
  ({
    ...envelope,
    type: 'agent.status_changed',
    data: { from: 'working', to, source: 'hook' },
  }) as FlotillaEvent;
const hook = (hookName: string, summary: string): FlotillaEvent =>
  ({
    ...envelope,
    type: 'agent.hook',
    data: { hook: hookName, summary, hookTs: envelope.ts },
  }) as FlotillaEvent;

describe('changesPrediction', () => {
  it('is true when a turn ends, the agent waits or stops; not while it works', () => {
    for (const to of ['idle', 'needs_input', 'needs_permission', 'exited', 'stopped', 'crashed'])
      expect(changesPrediction(status(to)), to).toBe(true);
    for (const to of ['working', 'starting', 'restarting'])
      expect(changesPrediction(status(to)), to).toBe(false);
  });

  it('is true after a shell tool ran git commit, not after other tools or before the call', () => {
    expect(changesPrediction(hook('PostToolUse', 'PostToolUse Bash: git commit -m "fix login"'))).toBe(true);
    expect(changesPrediction(hook('PostToolUse', 'PostToolUse Bash: git add -A && git commit -qm wip'))).toBe(
      true,
    );
    expect(changesPrediction(hook('PreToolUse', 'PreToolUse Bash: git commit -m x'))).toBe(false);
    expect(changesPrediction(hook('PostToolUse', 'PostToolUse Bash: npm test'))).toBe(false);
    expect(changesPrediction(hook('PostToolUse', 'PostToolUse Edit: src/commit.ts'))).toBe(false);
  });

  it('is true when agents or worktrees come and go', () => {
    for (const type of ['agent.created', 'agent.removed', 'worktree.created', 'worktree.removed'])
      expect(changesPrediction({ ...envelope, type, data: {} } as unknown as FlotillaEvent), type).toBe(true);
  });
});
