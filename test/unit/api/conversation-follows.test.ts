import { describe, expect, it } from 'vitest';
import { ConversationFollows } from '../../../src/api/stream/conversation-follows.js';
import type { ServerMessage } from '../../../src/api/stream/protocol.js';
import { ServerMessageSchema } from '../../../src/api/stream/protocol.js';
import type { ConversationEntry, ConversationPage } from '../../../src/domain/conversation.js';
import { FlotillaError } from '../../../src/domain/errors.js';

const entry = (seq: number, text: string): ConversationEntry => ({
  seq,
  kind: 'text',
  role: 'assistant',
  ts: null,
  text,
});

/** A conversation that grows when the test says; reads answer like the service does. */
function fakeBackend() {
  const entries: ConversationEntry[] = [];
  return {
    entries,
    async page(agentId: string, q: { after?: number; limit?: number }): Promise<ConversationPage> {
      if (agentId === 'nobody') throw new FlotillaError('NOT_FOUND', 'no agent nobody');
      const limit = q.limit ?? 200;
      const picked =
        q.after === undefined
          ? entries.slice(-limit)
          : entries.filter((e) => e.seq > (q.after as number)).slice(0, limit);
      return { agentId: 'k7m2qp', source: 'transcript', entries: picked, total: entries.length };
    },
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('the conversation.follow channel', () => {
  it('sends entries appended after the follow, each once, in valid frames', async () => {
    const backend = fakeBackend();
    backend.entries.push(entry(0, 'old'));
    const sent: ServerMessage[] = [];
    const follows = new ConversationFollows({
      backend,
      send: (m) => sent.push(m),
      wants: () => true,
      closed: () => false,
      pollMs: 5,
    });
    await follows.follow('k7m');
    expect(sent[0]).toEqual({
      type: 'conversation.following',
      agentId: 'k7m',
      resolved: 'k7m2qp',
      source: 'transcript',
    });
    backend.entries.push(entry(1, 'new'), entry(2, 'newer'));
    await until(() => sent.length >= 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(sent.slice(1)).toEqual([
      { type: 'conversation.entries', agentId: 'k7m', entries: [entry(1, 'new'), entry(2, 'newer')] },
    ]);
    for (const m of sent) expect(ServerMessageSchema.safeParse(m).success).toBe(true);
    follows.unfollow('k7m');
    backend.entries.push(entry(3, 'after unfollow'));
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toHaveLength(2);
  });

  it('resumes after the seq a reconnecting client has, and holds back while the client reads slowly', async () => {
    const backend = fakeBackend();
    backend.entries.push(entry(0, 'a'), entry(1, 'b'), entry(2, 'c'));
    const sent: ServerMessage[] = [];
    let wants = false;
    const follows = new ConversationFollows({
      backend,
      send: (m) => sent.push(m),
      wants: () => wants,
      closed: () => false,
      pollMs: 5,
    });
    await follows.follow('k7m', 0);
    expect(sent[1]).toEqual({
      type: 'conversation.entries',
      agentId: 'k7m',
      entries: [entry(1, 'b'), entry(2, 'c')],
    });
    backend.entries.push(entry(3, 'd'));
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toHaveLength(2);
    wants = true;
    await until(() => sent.length === 3);
    expect(sent[2]).toMatchObject({ entries: [entry(3, 'd')] });
    follows.stopAll();
  });

  it('an unknown agent is an error for the client, and no follow is left behind', async () => {
    const follows = new ConversationFollows({
      backend: fakeBackend(),
      send: () => {},
      wants: () => true,
      closed: () => false,
    });
    await expect(follows.follow('nobody')).rejects.toThrow('no agent nobody');
    expect(follows.size).toBe(0);
  });
});
