import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentPage } from '../../../web/src/views/agent/AgentPage.js';
import { agentView, stubApi } from '../fixtures.js';
import { configView, renderWithStream } from './harness.js';

afterEach(() => {
  // Unmount first (no globals: Testing Library cannot register its own cleanup), so no query
  // of a finished test refetches through the real fetch.
  cleanup();
  vi.unstubAllGlobals();
});

const agent = agentView();
const baseRoutes = {
  '/agents': { body: { agents: [agent] } },
  '/config': { body: configView(false) },
  '/events': { body: { events: [], lastId: null } },
  [`/worktrees/${agent.taskId}/diff`]: { body: { base: 'a1b2c3d4e5f6a7b8', files: [], diff: '' } },
};

describe('AgentPage', () => {
  it('shows the task, status and where the agent lives, with the exact resume command', async () => {
    stubApi(baseRoutes);
    renderWithStream(<AgentPage id="abc" />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Fix the login redirect' })).toBeTruthy();
    const details = screen.getByTestId('agent-details');
    const text = details.textContent ?? '';
    expect(text).toContain('/home/u/.local/share/flotilla/worktrees/abc234');
    expect(text).toContain('5f0c7a9e-0000-4000-8000-000000000000');
    expect(text).toContain('flotilla-abc234');
    expect(text).toContain(
      'cd /home/u/.local/share/flotilla/worktrees/abc234 && claude --resume 5f0c7a9e-0000-4000-8000-000000000000',
    );
    expect(text).toContain('flotilla attach abc234');
    expect(screen.getByRole('button', { name: 'Copy resume command' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy attach command' })).toBeTruthy();
    const header = document.querySelector('.agent-header');
    expect(header?.getAttribute('data-status')).toBe('working');
    expect(header?.textContent).toContain('claude-code');
    expect(header?.textContent).toContain('flotilla/tsk234-fix-the-login-redirect-abc234');
    // Not waiting for permission: no Approve, but Stop/Restart/Send message are there.
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send message' })).toBeTruthy();
  });

  it('offers Approve while a permission dialog is open, and posts it', async () => {
    const waiting = agentView({ status: 'needs_permission' });
    const { calls } = stubApi({
      ...baseRoutes,
      '/agents': { body: { agents: [waiting] } },
      [`/agents/${waiting.id}/approve`]: { body: { ...waiting, status: 'working' } },
    });
    renderWithStream(<AgentPage id={waiting.id} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(calls.map((c) => c.path)).toContain(`/agents/${waiting.id}/approve`));
    // The answer replaces the cached agent: the permission buttons go away.
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull());
  });

  it('lists the timeline newest first: status changes with their source, hooks with tool and input', async () => {
    const ev = (id: number, type: string, data: Record<string, unknown>, actor = 'supervisor') => ({
      id,
      ts: new Date(Date.now() - (100 - id) * 1000).toISOString(),
      type,
      actor,
      repoId: agent.repoId,
      taskId: agent.taskId,
      agentId: agent.id,
      data,
    });
    const events = [
      ev(11, 'agent.status_changed', { from: 'starting', to: 'working', source: 'hook' }),
      ev(
        12,
        'agent.hook',
        {
          hook: 'PreToolUse',
          summary: 'PreToolUse Bash: npm test -- --run',
          tool_name: 'Bash',
          hookTs: '2026-11-25T09:01:00.000Z',
        },
        'hook',
      ),
      ev(13, 'agent.status_changed', { from: 'working', to: 'needs_permission', source: 'hook' }),
      ev(14, 'agent.restarted', {
        restartCount: 1,
        reason: 'crashed',
        resume: true,
        sessionId: agent.sessionId,
      }),
      ev(15, 'agent.health', {
        check: 'stuck',
        level: 'warn',
        message: 'no activity for 10 min',
        action: 'warn',
      }),
    ].reverse();
    const { calls } = stubApi({ ...baseRoutes, '/events': { body: { events, lastId: 15 } } });
    renderWithStream(<AgentPage id={agent.id} />);
    const timeline = await screen.findByTestId('timeline');
    const rows = await within(timeline).findAllByTestId('timeline-row');
    expect(rows.map((r) => r.querySelector('.timeline-text')?.textContent)).toEqual([
      'no activity for 10 min',
      'Restarted #1: crashed',
      'working → needs_permission (hook)',
      'PreToolUse · Bash',
      'starting → working (hook)',
    ]);
    expect(rows[3]?.textContent).toContain('npm test -- --run');
    expect(rows[0]?.textContent).toContain('Health warn');
    // Exact time on hover.
    expect(rows[2]?.querySelector('time')?.getAttribute('title')).toBeTruthy();
    expect(calls.some((c) => c.path.startsWith('/events?') && c.path.includes(`agent=${agent.id}`))).toBe(
      true,
    );
  });

  it('splits the diff per file with +/− counts and coloured added/removed lines', async () => {
    const diff = [
      'diff --git a/src/login.ts b/src/login.ts',
      'index 3b18e51..a9c2f0d 100644',
      '--- a/src/login.ts',
      '+++ b/src/login.ts',
      '@@ -1,3 +1,4 @@',
      ' import { redirect } from "./nav";',
      '-const target = "/";',
      '+const target = next ?? "/";',
      '+// keep the query string',
      ' export default target;',
      'diff --git a/notes/todo.md b/notes/todo.md',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/notes/todo.md',
      '@@ -0,0 +1 @@',
      '+- check the redirect',
      '',
    ].join('\n');
    stubApi({
      ...baseRoutes,
      [`/worktrees/${agent.taskId}/diff`]: {
        body: {
          base: 'a1b2c3d4e5f6a7b8',
          files: [
            { path: 'src/login.ts', insertions: 2, deletions: 1, binary: false, untracked: false },
            { path: 'notes/todo.md', insertions: 1, deletions: 0, binary: false, untracked: true },
          ],
          diff,
        },
      },
    });
    renderWithStream(<AgentPage id={agent.id} />);
    const panel = await screen.findByTestId('diff');
    const files = await within(panel).findAllByTestId('diff-file');
    expect(files.map((f) => f.getAttribute('data-path'))).toEqual(['src/login.ts', 'notes/todo.md']);
    const [login, todo] = files as [HTMLElement, HTMLElement];
    expect(login.querySelector('summary')?.textContent).toContain('+2');
    expect(login.querySelector('summary')?.textContent).toContain('−1');
    expect(todo.querySelector('summary')?.textContent).toContain('untracked');
    expect([...login.querySelectorAll('.diff-add')].map((l) => l.textContent?.trim())).toEqual([
      '+const target = next ?? "/";',
      '+// keep the query string',
    ]);
    expect([...login.querySelectorAll('.diff-del')].map((l) => l.textContent?.trim())).toEqual([
      '-const target = "/";',
    ]);
    // Each file's part holds only its own lines.
    expect(login.textContent).not.toContain('check the redirect');
    expect(todo.querySelector('.diff-add')?.textContent?.trim()).toBe('+- check the redirect');
    expect(within(panel).getByRole('button', { name: 'Refresh' })).toBeTruthy();
  });

  it('says there are no changes yet, or why there is no diff', async () => {
    stubApi(baseRoutes);
    const first = renderWithStream(<AgentPage id={agent.id} />);
    expect(await screen.findByText(`No changes yet on ${agent.branch}`)).toBeTruthy();
    first.unmount();

    stubApi({
      ...baseRoutes,
      [`/worktrees/${agent.taskId}/diff`]: {
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: `no worktree for task ${agent.taskId}` } },
      },
    });
    renderWithStream(<AgentPage id={agent.id} />);
    const panel = await screen.findByTestId('diff');
    await within(panel).findByText('No worktree to diff');
    expect(panel.textContent).toContain(`no worktree for task ${agent.taskId}`);
  });

  it('says when the agent does not exist', async () => {
    stubApi({
      ...baseRoutes,
      '/agents/zzzzzz': { status: 404, body: { error: { code: 'NOT_FOUND', message: "no agent 'zzzzzz'" } } },
    });
    renderWithStream(<AgentPage id="zzzzzz" />);
    expect(await screen.findByText('No agent zzzzzz')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain("no agent 'zzzzzz'");
  });
});
