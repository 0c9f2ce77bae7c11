import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../../src/api/routes/agents.js';
import { renderWatch, watchOrder } from '../../../src/cli/watch/view.js';

const agent = (id: string, status: AgentView['status'], extra: Partial<AgentView> = {}): AgentView =>
  ({
    id,
    status,
    statusSince: '2026-01-01T00:00:00.000Z',
    taskId: 'task01',
    taskTitle: `title ${id}`,
    branch: `flotilla/${id}`,
    statusDetail: null,
    lastMessage: null,
    lastOutput: null,
    pendingPermission: null,
    ...extra,
  }) as AgentView;

describe('the watch view', () => {
  it('puts agents that ask first; idle (finished, asked nothing) is not waiting', () => {
    const order = watchOrder([
      agent('idle01', 'idle'),
      agent('work01', 'working'),
      agent('input1', 'needs_input'),
      agent('stop01', 'stopped'),
      agent('perm01', 'needs_permission'),
    ]).map((a) => a.id);
    expect(order.slice(0, 2).sort()).toEqual(['input1', 'perm01']);
    expect(order.slice(2)).toEqual(['work01', 'idle01', 'stop01']);
    const head = renderWatch({
      agents: [agent('idle01', 'idle', { lastMessage: 'Done.' })],
      selectedId: 'idle01',
      message: null,
      connected: true,
      width: 80,
      height: 20,
      style: { color: false },
    })[0];
    expect(head).not.toContain('need');
  });

  it('neutralises control characters in agent text and keeps every line within the width', () => {
    const hostile = 'Run \u001b]0;pwned\u0007 this\r\nnow \u001b[2J\u009b31m?';
    const lines = renderWatch({
      agents: [
        agent('perm01', 'needs_permission', {
          pendingPermission: { tool: 'Bash', subject: hostile, diff: null } as AgentView['pendingPermission'],
        }),
      ],
      selectedId: 'perm01',
      message: `error: ${hostile}`,
      connected: true,
      width: 60,
      height: 20,
      style: { color: false },
    });
    const text = lines.join('\n');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('\\x1b]0;pwned\\x07');
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60);
    expect(text).toContain('asks to run Bash: Run');
    expect(text).toContain('y approve · n deny');
  });
});
