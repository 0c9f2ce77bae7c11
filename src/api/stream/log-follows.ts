/**
 * The `logs.follow` channel of one stream client: one LogFollower per followed source, keyed by
 * the source exactly as the client wrote it (so `logs.unfollow` and the frames match its own
 * words, even for an id prefix). Log lines obey the terminal's back-pressure rule: above the
 * soft limit they are dropped and counted, never queued.
 */
import { FlotillaError } from '../../domain/errors.js';
import { LogFollower } from '../logs/follow.js';
import type { LogSources, ResolvedLogSource } from '../logs/sources.js';
import type { ServerMessage } from './protocol.js';

/** Sources one client may follow at once. */
export const MAX_FOLLOWS = 16;

export interface LogFollowsOptions {
  sources: LogSources;
  send(message: ServerMessage): void;
  /** False while the client's socket holds more than the soft limit. */
  wants(): boolean;
  /** Whether the session is over (a follow resolved after the close must not start). */
  closed(): boolean;
  flushMs?: number;
  pollMs?: number;
}

export class LogFollows {
  private readonly followers = new Map<string, LogFollower>();
  /** The follow request of a source still resolving; a newer request or an unfollow replaces it. */
  private readonly pending = new Map<string, symbol>();

  constructor(private readonly opts: LogFollowsOptions) {}

  async follow(source: string): Promise<void> {
    if (!this.followers.has(source) && this.followers.size >= MAX_FOLLOWS) {
      throw new FlotillaError('CONFLICT', `a stream client may follow at most ${MAX_FOLLOWS} logs at once`, {
        hint: 'send logs.unfollow for the ones you no longer show',
      });
    }
    this.unfollow(source);
    const request = Symbol(source);
    this.pending.set(source, request);
    const current = () => this.pending.get(source) === request;
    let resolved: ResolvedLogSource;
    let from: number;
    try {
      resolved = await this.opts.sources.resolve(source);
      from = await this.opts.sources.followFrom(resolved.file);
    } catch (err) {
      // A superseded request (a newer follow, or an unfollow) has nothing left to report.
      if (!current()) return;
      this.pending.delete(source);
      throw err;
    }
    if (!current()) return;
    this.pending.delete(source);
    if (this.opts.closed()) return;
    const follower = new LogFollower({
      file: resolved.file,
      from,
      parse: resolved.parse,
      wants: this.opts.wants,
      deliver: (lines, dropped) =>
        this.opts.send({ type: 'logs.lines', source, lines, ...(dropped > 0 ? { dropped } : {}) }),
      ...(this.opts.flushMs === undefined ? {} : { flushMs: this.opts.flushMs }),
      ...(this.opts.pollMs === undefined ? {} : { pollMs: this.opts.pollMs }),
    });
    this.followers.set(source, follower);
    this.opts.send({ type: 'logs.following', source, resolved: resolved.source });
  }

  unfollow(source: string): void {
    this.pending.delete(source);
    this.followers.get(source)?.stop();
    this.followers.delete(source);
  }

  /** Stops every follower (the socket closed). */
  stopAll(): void {
    for (const follower of this.followers.values()) follower.stop();
    this.followers.clear();
    this.pending.clear();
  }

  get size(): number {
    return this.followers.size;
  }
}
