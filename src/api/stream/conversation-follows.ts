/**
 * The `conversation.follow` channel of one stream client: per followed agent, the daemon's
 * conversation service is asked for entries after the last one sent, every `pollMs` (reads are
 * incremental, so an idle agent costs a stat). Entries obey the stream's back-pressure rule:
 * while the client's socket is over the soft limit nothing is sent, and the next poll sends
 * from where the client really is.
 */
import type { ConversationPage } from '../../domain/conversation.js';
import { FlotillaError } from '../../domain/errors.js';
import type { ServerMessage } from './protocol.js';

/** What the channel reads: an agent's conversation page (an id or unique prefix). */
export interface ConversationBackend {
  page(agentIdOrPrefix: string, query: { after?: number; limit?: number }): Promise<ConversationPage>;
}

/** Conversations one client may follow at once. */
export const MAX_CONVERSATION_FOLLOWS = 16;

export interface ConversationFollowsOptions {
  backend: ConversationBackend;
  send(message: ServerMessage): void;
  wants(): boolean;
  closed(): boolean;
  pollMs?: number;
}

interface Follow {
  after: number;
  timer: NodeJS.Timeout | null;
  busy: boolean;
  stopped: boolean;
}

export class ConversationFollows {
  private readonly follows = new Map<string, Follow>();

  constructor(private readonly opts: ConversationFollowsOptions) {}

  async follow(agentId: string, after?: number): Promise<void> {
    if (!this.follows.has(agentId) && this.follows.size >= MAX_CONVERSATION_FOLLOWS) {
      throw new FlotillaError(
        'CONFLICT',
        `a stream client may follow at most ${MAX_CONVERSATION_FOLLOWS} conversations at once`,
        { hint: 'send conversation.unfollow for the ones you no longer show' },
      );
    }
    this.unfollow(agentId);
    const follow: Follow = { after: after ?? -1, timer: null, busy: false, stopped: false };
    this.follows.set(agentId, follow);
    // The first read resolves the id (a NOT_FOUND goes back as an error frame) and says where "now" is.
    let page: ConversationPage;
    try {
      page = await this.opts.backend.page(
        agentId,
        after === undefined ? { limit: 1 } : { after, limit: 1000 },
      );
    } catch (err) {
      if (this.follows.get(agentId) === follow) this.follows.delete(agentId);
      throw err;
    }
    if (follow.stopped || this.opts.closed()) return;
    this.opts.send({ type: 'conversation.following', agentId, resolved: page.agentId, source: page.source });
    if (after === undefined) follow.after = page.total - 1;
    else this.deliver(agentId, follow, page);
    this.schedule(agentId, follow);
  }

  unfollow(agentId: string): void {
    const follow = this.follows.get(agentId);
    if (!follow) return;
    follow.stopped = true;
    if (follow.timer) clearTimeout(follow.timer);
    this.follows.delete(agentId);
  }

  stopAll(): void {
    for (const id of [...this.follows.keys()]) this.unfollow(id);
  }

  get size(): number {
    return this.follows.size;
  }

  private schedule(agentId: string, follow: Follow): void {
    if (follow.stopped) return;
    follow.timer = setTimeout(() => void this.poll(agentId, follow), this.opts.pollMs ?? 500);
    follow.timer.unref();
  }

  private async poll(agentId: string, follow: Follow): Promise<void> {
    if (follow.stopped || this.opts.closed()) return;
    try {
      if (this.opts.wants()) {
        const page = await this.opts.backend.page(agentId, { after: follow.after, limit: 1000 });
        if (!follow.stopped) this.deliver(agentId, follow, page);
      }
    } catch {
      // The agent was removed, or a read failed: try again next time (an unfollow ends it).
    }
    this.schedule(agentId, follow);
  }

  private deliver(agentId: string, follow: Follow, page: ConversationPage): void {
    if (page.entries.length === 0) {
      // A conversation read again from the start (a rotated or replaced file) has fewer entries.
      if (page.total - 1 < follow.after) follow.after = page.total - 1;
      return;
    }
    follow.after = (page.entries.at(-1) as { seq: number }).seq;
    this.opts.send({ type: 'conversation.entries', agentId, entries: page.entries });
  }
}
