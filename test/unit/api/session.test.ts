import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS, SessionStore } from '../../../src/api/session.js';

describe('SessionStore', () => {
  const dirs: string[] = [];
  const fileIn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-sessions-'));
    dirs.push(dir);
    return join(dir, 'sessions.json');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a login code works once and only within its minute', () => {
    let now = 1_000;
    const store = new SessionStore(() => now);
    const { code } = store.mintLoginCode();
    const id = store.redeem(code);
    expect(id).toBeTruthy();
    expect(store.isValid(id ?? undefined)).toBe(true);
    expect(store.redeem(code)).toBeNull();
    const late = store.mintLoginCode();
    now += 61_000;
    expect(store.redeem(late.code)).toBeNull();
  });

  it('keeps sessions across a restart as hashes in a 0600 file, never the cookie value', () => {
    const file = fileIn();
    const first = new SessionStore(Date.now, file);
    const id = first.redeem(first.mintLoginCode().code) as string;
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(id);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = new SessionStore(Date.now, file);
    expect(second.isValid(id)).toBe(true);
    expect(second.isValid('not-a-session')).toBe(false);
    second.revoke(id);
    expect(new SessionStore(Date.now, file).isValid(id)).toBe(false);
  });

  it('drops expired sessions on load and survives a corrupt file', () => {
    const file = fileIn();
    let now = 5_000;
    const first = new SessionStore(() => now, file);
    const id = first.redeem(first.mintLoginCode().code) as string;
    now += SESSION_TTL_MS + 1;
    expect(new SessionStore(() => now, file).isValid(id)).toBe(false);
    writeFileSync(file, '{ not json');
    const fresh = new SessionStore(Date.now, file);
    expect(fresh.isValid(id)).toBe(false);
    const again = fresh.redeem(fresh.mintLoginCode().code) as string;
    expect(new SessionStore(Date.now, file).isValid(again)).toBe(true);
  });
});
