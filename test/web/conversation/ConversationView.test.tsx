import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationEntry } from '../../../src/domain/conversation.js';
import {
  ConversationView,
  RESULT_PREVIEW_LINES,
} from '../../../web/src/views/conversation/ConversationView.js';
import { renderWithStream } from '../agent/harness.js';
import { stubApi } from '../fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const long = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
const ENTRIES: ConversationEntry[] = [
  { seq: 0, kind: 'prompt', role: 'user', ts: '2026-12-07T14:21:09.800Z', text: 'Make hello' },
  { seq: 1, kind: 'text', role: 'assistant', ts: null, text: "I'll create hello.txt." },
  {
    seq: 2,
    kind: 'tool_call',
    role: 'assistant',
    ts: null,
    text: 'Bash(seq 1 30)',
    tool: 'Bash',
    input: { command: 'seq 1 30', description: 'Count' },
    toolUseId: 't1',
  },
  {
    seq: 3,
    kind: 'tool_result',
    role: 'tool',
    ts: null,
    text: long,
    tool: 'Bash',
    toolUseId: 't1',
    isError: false,
  },
  {
    seq: 4,
    kind: 'turn_end',
    role: 'system',
    ts: null,
    text: 'Turn ended',
    durationMs: 1234,
    usage: { inputTokens: 22520, outputTokens: 126, costUsd: 0.0245 },
  },
];

const page = { agentId: 'k7m2qp', source: 'transcript', entries: ENTRIES, total: 5 };

describe('ConversationView', () => {
  it('shows each entry by role: a tool call collapsed to one line, a long result cut with "Show all"', async () => {
    stubApi({ '/agents/k7m2qp/conversation': { body: page } });
    renderWithStream(<ConversationView agentId="k7m2qp" />);
    const list = await screen.findByRole('list', { name: 'Conversation' });
    const items = within(list).getAllByTestId('conv-entry');
    expect(items.map((i) => i.dataset.kind)).toEqual([
      'prompt',
      'text',
      'tool_call',
      'tool_result',
      'turn_end',
    ]);
    expect(items[0]?.textContent).toContain('Make hello');
    const details = items[2]?.querySelector('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toContain('Bash(seq 1 30)');
    expect(within(items[2] as HTMLElement).getByTestId('conv-tool-input').textContent).toContain(
      '"command": "seq 1 30"',
    );
    const result = within(items[3] as HTMLElement).getByTestId('conv-result-text');
    expect(result.textContent?.split('\n')).toHaveLength(RESULT_PREVIEW_LINES);
    fireEvent.click(within(items[3] as HTMLElement).getByRole('button', { name: 'Show all 30 lines' }));
    expect(within(items[3] as HTMLElement).getByTestId('conv-result-text').textContent).toBe(long);
    expect(items[4]?.textContent).toBe('Turn ended · 1.2 s · 22,520 tokens in · 126 out · $0.0245');
  });

  it('follows the conversation after the last entry it has, and appends new ones once', async () => {
    stubApi({ '/agents/k7m2qp/conversation': { body: page } });
    const { socket } = renderWithStream(<ConversationView agentId="k7m2qp" />);
    act(() => socket.goLive());
    await screen.findByRole('list', { name: 'Conversation' });
    await waitFor(() =>
      expect(socket.sentOfType('conversation.follow')).toContainEqual({
        type: 'conversation.follow',
        agentId: 'k7m2qp',
        after: 4,
      }),
    );
    const next: ConversationEntry = { seq: 5, kind: 'text', role: 'assistant', ts: null, text: 'Done.' };
    act(() => socket.serve({ type: 'conversation.entries', agentId: 'k7m2qp', entries: [ENTRIES[4], next] }));
    act(() =>
      socket.serve({
        type: 'conversation.entries',
        agentId: 'other',
        entries: [{ ...next, seq: 9, text: 'not mine' }],
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId('conv-entry')).toHaveLength(6));
    expect(screen.getAllByTestId('conv-entry').at(-1)?.textContent).toContain('Done.');
  });

  it('says when the agent keeps no readable conversation', async () => {
    stubApi({
      '/agents/k7m2qp/conversation': {
        body: { ...page, source: 'none', entries: [], total: 0, note: 'custom agents keep no conversation' },
      },
    });
    const { socket } = renderWithStream(<ConversationView agentId="k7m2qp" />);
    act(() => socket.goLive());
    expect(await screen.findByText('custom agents keep no conversation')).toBeTruthy();
    expect(socket.sentOfType('conversation.follow')).toEqual([]);
  });
});
