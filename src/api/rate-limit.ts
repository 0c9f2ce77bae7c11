/**
 * Token buckets per client. A client is its session, its token, or (before it has proved
 * anything) its remote address, so guessing tokens is slow while the CLI and scripts with the
 * token have plenty of room. Each route picks a class; agents' hook pokes get their own class so
 * a busy dashboard can never starve them.
 */

/** Which bucket family a route draws from. */
export type RateClass = 'default' | 'login' | 'hooks' | 'anonymous';

/** Sustained rate and burst of one bucket. */
export interface BucketSpec {
  perSecond: number;
  burst: number;
}

/** Limits per class, per client. */
export type RateLimits = Record<RateClass, BucketSpec>;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  // Token holders (CLI, scripts, dashboard sessions): generous, a runaway loop is still capped.
  default: { perSecond: 2_000, burst: 4_000 },
  // Hook pokes from agents' `flotilla hook`: separate so nothing else can starve them.
  hooks: { perSecond: 500, burst: 2_000 },
  // Login-code redemption, per remote address.
  login: { perSecond: 1, burst: 10 },
  // Requests without valid credentials, per remote address: slows token guessing.
  anonymous: { perSecond: 20, burst: 50 },
};

const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/** A set of token buckets; `now` is injectable for tests. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: RateLimits = DEFAULT_RATE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key` in `cls`; returns 0 when allowed, else seconds until one is free. */
  take(cls: RateClass, key: string): number {
    const spec = this.limits[cls];
    const id = `${cls}\u0000${key}`;
    const now = this.now();
    let bucket = this.buckets.get(id);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.evictFull(now);
      bucket = { tokens: spec.burst, at: now };
      this.buckets.set(id, bucket);
    } else {
      bucket.tokens = Math.min(spec.burst, bucket.tokens + ((now - bucket.at) / 1000) * spec.perSecond);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / spec.perSecond));
  }

  // Buckets that have refilled are indistinguishable from new ones: drop them. If a flood of
  // distinct keys leaves none full, drop the oldest half so memory stays bounded.
  private evictFull(now: number): void {
    for (const [id, b] of this.buckets) {
      const cls = id.slice(0, id.indexOf('\u0000')) as RateClass;
      const spec = this.limits[cls];
      if (b.tokens + ((now - b.at) / 1000) * spec.perSecond >= spec.burst) this.buckets.delete(id);
    }
    if (this.buckets.size < MAX_BUCKETS) return;
    let n = Math.floor(this.buckets.size / 2);
    for (const id of this.buckets.keys()) {
      if (n-- <= 0) break;
      this.buckets.delete(id);
    }
  }
}
