/**
 * Browser sessions for the dashboard. The CLI (holding the API token) mints a short-lived,
 * single-use login code; `GET /login?code=…` trades it for a random session id in an HttpOnly,
 * SameSite=Strict cookie. So the long-lived API token never appears in a URL, browser history
 * or a proxy log, and a leaked login link is worthless after one use or a minute.
 *
 * Sessions outlive a daemon restart (an upgrade or a crash must not sign every open dashboard
 * out mid-work): with a `file`, they are kept there as sha256 hashes with their expiry, mode
 * 0600. A hash cannot be turned back into a cookie, so the file holds no usable secret.
 * Login codes stay in memory: they live for a minute.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeSecretFile } from '../config/paths.js';

export const SESSION_COOKIE = 'flotilla_session';
/** How long a login code stays valid. */
export const LOGIN_CODE_TTL_MS = 60_000;
/** Absolute session lifetime; the cookie's Max-Age matches. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 1_000;
const MAX_CODES = 100;

// Stored by hash, so even a heap dump does not hand out working credentials.
const hash = (s: string) => createHash('sha256').update(s).digest('base64url');
const newSecret = () => randomBytes(32).toString('base64url');

/** A minted login code and when it stops working. */
export interface LoginCode {
  code: string;
  expiresAt: number;
}

/** Login codes and sessions; `now` is injectable for tests, `file` keeps sessions across restarts. */
export class SessionStore {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly file?: string,
  ) {
    if (file) this.load(file);
  }

  /** A fresh single-use code, valid for LOGIN_CODE_TTL_MS. */
  mintLoginCode(): LoginCode {
    this.prune();
    if (this.codes.size >= MAX_CODES) {
      // Oldest first: Map keeps insertion order.
      const oldest = this.codes.keys().next().value;
      if (oldest !== undefined) this.codes.delete(oldest);
    }
    const code = newSecret();
    const expiresAt = this.now() + LOGIN_CODE_TTL_MS;
    this.codes.set(hash(code), expiresAt);
    return { code, expiresAt };
  }

  /** Consumes `code` (whatever the outcome) and returns a new session id, or null. */
  redeem(code: string | undefined): string | null {
    if (code === undefined || code === '') return null;
    const key = hash(code);
    const expiresAt = this.codes.get(key);
    this.codes.delete(key);
    if (expiresAt === undefined || expiresAt <= this.now()) return null;
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = newSecret();
    this.sessions.set(hash(id), this.now() + SESSION_TTL_MS);
    this.save();
    return id;
  }

  /** True when `id` names a live session. Lookup by hash: no timing leak on the id itself. */
  isValid(id: string | undefined): boolean {
    if (id === undefined || id === '') return false;
    const expiresAt = this.sessions.get(hash(id));
    return expiresAt !== undefined && expiresAt > this.now();
  }

  /** Ends a session; unknown ids are ignored. */
  revoke(id: string | undefined): void {
    if (id !== undefined && this.sessions.delete(hash(id))) this.save();
  }

  /** A missing, unreadable or malformed file means no sessions: users sign in again, nothing breaks. */
  private load(file: string): void {
    let entries: unknown;
    try {
      entries = (JSON.parse(readFileSync(file, 'utf8')) as { sessions?: unknown }).sessions;
    } catch {
      return;
    }
    if (!Array.isArray(entries)) return;
    const now = this.now();
    for (const e of entries.slice(-MAX_SESSIONS)) {
      if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number' && e[1] > now) {
        this.sessions.set(e[0], e[1]);
      }
    }
  }

  private save(): void {
    if (!this.file) return;
    this.prune();
    try {
      writeSecretFile(this.file, JSON.stringify({ sessions: [...this.sessions] }));
    } catch {
      // The session still works in memory; it just will not survive a restart.
    }
  }

  private prune(): void {
    const now = this.now();
    for (const [k, exp] of this.codes) if (exp <= now) this.codes.delete(k);
    for (const [k, exp] of this.sessions) if (exp <= now) this.sessions.delete(k);
  }
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value for a session (or, with id null, one that clears it). */
export function sessionCookie(id: string | null, secure: boolean): string {
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (secure) attrs.push('Secure');
  attrs.push(`Max-Age=${id === null ? 0 : Math.floor(SESSION_TTL_MS / 1000)}`);
  return [`${SESSION_COOKIE}=${id ?? ''}`, ...attrs].join('; ');
}
