import { describe, expect, it } from 'vitest';
import { resumeCommand, shellQuote, tmuxAttachCommand } from '../../../web/src/views/agent/commands.js';
import { classify, headerPath, partsByPath, splitDiff } from '../../../web/src/views/agent/diff.js';
import { describeEvent, hookInputSummary } from '../../../web/src/views/agent/timeline.js';

describe('agent page helpers', () => {
  it('quotes worktree paths for the shell only when needed', () => {
    expect(shellQuote('/srv/wt/abc-fix')).toBe('/srv/wt/abc-fix');
    expect(shellQuote("/home/o'neil/my repo")).toBe(`'/home/o'\\''neil/my repo'`);
    expect(resumeCommand({ kind: 'claude-code', sessionId: 'abc-123', worktreePath: '/tmp/my wt' })).toBe(
      "cd '/tmp/my wt' && claude --resume abc-123",
    );
    expect(resumeCommand({ kind: 'codex', sessionId: 'abc', worktreePath: '/x' })).toBeNull();
    expect(resumeCommand({ kind: 'claude-code', sessionId: null, worktreePath: '/x' })).toBeNull();
    expect(tmuxAttachCommand({ tmuxSocket: 'flotilla', tmuxSession: 'flotilla-k7m2qp' })).toBe(
      'tmux -L flotilla attach -t flotilla-k7m2qp',
    );
  });

  it('reads paths from diff headers, quoted, spaced or renamed', () => {
    expect(headerPath('diff --git a/src/a.ts b/src/a.ts')).toBe('src/a.ts');
    expect(headerPath('diff --git a/my file.txt b/my file.txt')).toBe('my file.txt');
    expect(headerPath('diff --git a/old.ts b/new.ts')).toBe('new.ts');
    expect(headerPath('diff --git "a/t\\"ab.txt" "b/t\\"ab.txt"')).toBe('t"ab.txt');
    const parts = splitDiff('diff --git a/old.ts b/new.ts\nsimilarity index 90%\ndiff --git a/x b/x\n+1\n');
    expect(parts.map((p) => p.path)).toEqual(['new.ts', 'x']);
    const map = partsByPath(parts, [{ path: 'new.ts', oldPath: 'old.ts' }, { path: 'x' }, { path: 'gone' }]);
    expect([...map.keys()]).toEqual(['new.ts', 'x']);
  });

  it('classifies --- and +++ as headers, not as removed and added lines', () => {
    const kinds = classify('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n c').map(
      (l) => l.kind,
    );
    expect(kinds).toEqual(['meta', 'meta', 'meta', 'hunk', 'del', 'add', 'context']);
  });

  it('describes hooks by tool and input, and notifications by message', () => {
    expect(hookInputSummary('PreToolUse', 'Edit', 'PreToolUse Edit: src/a.ts')).toBe('src/a.ts');
    expect(hookInputSummary('Stop', null, 'Stop')).toBeNull();
    const row = describeEvent({
      id: 3,
      ts: '2026-11-25T09:00:00.000Z',
      type: 'agent.hook',
      actor: 'hook',
      repoId: null,
      taskId: null,
      agentId: 'k7m2qp',
      data: {
        hook: 'Notification',
        summary: 'Notification permission_prompt',
        hookTs: '2026-11-25T09:00:00.000Z',
        notification_type: 'permission_prompt',
        message: 'Claude needs your permission to use Bash',
      },
    });
    expect(row.text).toBe('Notification');
    expect(row.detail).toBe('Claude needs your permission to use Bash');
    expect(row.tone).toBe('warn');
  });
});
