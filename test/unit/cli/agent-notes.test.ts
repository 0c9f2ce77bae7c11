import { describe, expect, it } from 'vitest';
import { agentNote, answerHint } from '../../../src/cli/agent-notes.js';
import type { AgentView } from '../../../src/domain/agent-view.js';

/** `ps` and `show`: the agent's own progress line while it works, and `answer` for a question. */
const view = (over: Partial<AgentView>): AgentView =>
  ({
    id: 'abc234',
    status: 'working',
    statusDetail: 'Bash: npm test',
    lastMessage: null,
    lastOutput: null,
    pendingPermission: null,
    progress: null,
    ...over,
  }) as AgentView;

describe('agent notes', () => {
  it("a working agent's note is its latest progress line, else what it runs", () => {
    expect(agentNote(view({}))).toBe('Bash: npm test');
    const at = new Date().toISOString();
    expect(agentNote(view({ progress: { text: 'tests pass; docs next', at } }))).toBe(
      'progress: tests pass; docs next',
    );
    // Waiting on the user: the question, not the progress.
    expect(
      agentNote(view({ status: 'needs_input', statusDetail: 'asks: 8080?', progress: { text: 'x', at } })),
    ).toBe('asks: 8080?');
  });

  it('a waiting agent is answered with flotilla answer', () => {
    expect(answerHint(view({ status: 'needs_input' }))).toBe(
      'flotilla answer abc234 "…"  |  flotilla attach abc234',
    );
  });
});
