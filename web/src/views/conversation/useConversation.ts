import { useCallback, useEffect, useState } from 'react';
import type { ConversationEntry, ConversationPage } from '../../../../src/domain/conversation.js';
import { api, qs } from '../../api/client.js';
import { useStream } from '../../stream/context.js';

/** Entries the view holds at most (the oldest are dropped). */
export const MAX_ENTRIES = 5_000;

export type ConversationState =
  | { status: 'loading' }
  | { status: 'ready'; source: ConversationPage['source']; note: string | null; total: number }
  | { status: 'error'; error: unknown };

/**
 * One agent's conversation: the last entries over REST, then new ones over the stream
 * (`conversation.follow` after the last seq the page has), for as long as the view shows it.
 * Entries that arrive twice (a reconnect's follow overlapping) are dropped by seq.
 */
export function useConversation(agentId: string) {
  const stream = useStream();
  const [entries, setEntries] = useState<ConversationEntry[]>([]);
  const [state, setState] = useState<ConversationState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    void attempt;
    let cancelled = false;
    let last = Number.POSITIVE_INFINITY;
    setEntries([]);
    setState({ status: 'loading' });
    const append = (more: readonly ConversationEntry[]) => {
      const fresh = more.filter((e) => e.seq > last);
      if (fresh.length === 0) return;
      last = (fresh.at(-1) as ConversationEntry).seq;
      setEntries((prev) => {
        const next = prev.concat(fresh);
        return next.length > MAX_ENTRIES ? next.slice(next.length - MAX_ENTRIES) : next;
      });
    };
    const off = stream.onFrame((frame) => {
      if (frame.type === 'conversation.entries' && frame.agentId === agentId && !cancelled)
        append(frame.entries);
    });
    api<ConversationPage>(`/agents/${encodeURIComponent(agentId)}/conversation${qs({ limit: 1000 })}`).then(
      (page) => {
        if (cancelled) return;
        last = -1;
        append(page.entries);
        last = page.entries.at(-1)?.seq ?? page.total - 1;
        setState({ status: 'ready', source: page.source, note: page.note ?? null, total: page.total });
        if (page.source !== 'none') stream.followConversation(agentId, last);
      },
      (error: unknown) => {
        if (!cancelled) setState({ status: 'error', error });
      },
    );
    return () => {
      cancelled = true;
      off();
      stream.unfollowConversation(agentId);
    };
  }, [agentId, stream, attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { entries, state, retry };
}
