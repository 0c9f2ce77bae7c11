import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/proc/run.js';
import { LATEST_SCHEMA_VERSION, migrateFile, openStore, type Store } from '../../../src/store/index.js';
import { expectFlotillaError, tempDirFixture } from './helpers.js';

const tempDir = tempDirFixture();

async function pragma(store: Store, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
  return Object.values(rows[0] ?? {})[0];
}

/** Polls `check` until it holds, or fails saying what never happened. */
async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('openStore', () => {
  it('creates the directory and a private file, with WAL, foreign keys and a busy timeout', async () => {
    const file = join(tempDir(), 'deep', 'er', 'flotilla.db');
    const store = await openStore(file);
    try {
      expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(store.location).toBe(file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(await pragma(store, 'journal_mode')).toBe('wal');
      expect(await pragma(store, 'foreign_keys')).toBe(1);
      expect(await pragma(store, 'synchronous')).toBe(1); // NORMAL
      expect(await pragma(store, 'busy_timeout')).toBe(5000);
      expect(await pragma(store, 'user_version')).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      await store.close();
    }
  });

  it('reopens an existing database with its data', async () => {
    const file = join(tempDir(), 'flotilla.db');
    const first = await openStore(file);
    const repo = await first.repos.register({ name: 'app', path: '/srv/app', defaultBranch: 'main' }, 'user');
    await first.close();
    const second = await openStore(file);
    try {
      expect(await second.repos.list()).toEqual([repo]);
    } finally {
      await second.close();
    }
  });

  it('enforces foreign keys', async () => {
    const store = await openStore(join(tempDir(), 'flotilla.db'));
    try {
      const now = new Date().toISOString();
      const orphan = {
        id: 'k3f9qa',
        repo_id: 'nonexi',
        title: 't',
        prompt: '',
        priority: 'normal',
        status: 'todo',
        labels: '[]',
        external_refs: '[]',
        created_at: now,
        updated_at: now,
      } as const;
      await expect(store.db.insertInto('tasks').values(orphan).execute()).rejects.toMatchObject({
        code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
      });
    } finally {
      await store.close();
    }
  });

  it('refuses a database from a newer Flotilla and leaves it byte-for-byte unchanged', async () => {
    const dir = tempDir();
    const file = join(dir, 'flotilla.db');
    const raw = new BetterSqlite3(file);
    raw.exec('create table future_things (id integer primary key, what text)');
    raw.exec("insert into future_things (what) values ('from the future')");
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const bytes = readFileSync(file);

    const err = await expectFlotillaError(openStore(file), 'DB_TOO_NEW');
    expect(err.message).toBe(
      `the database ${file} was written by a newer Flotilla ` +
        `(schema v${LATEST_SCHEMA_VERSION + 1}, this version knows up to v${LATEST_SCHEMA_VERSION})`,
    );
    expect(err.hint).toBe('upgrade flotilla (npm i -g flotilla@latest) or point FLOTILLA_HOME elsewhere');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    await expectFlotillaError(openStore(file, { readonly: true }), 'DB_TOO_NEW');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a file that is not a database with DB_ERROR, and leaves it alone', async () => {
    const file = join(tempDir(), 'flotilla.db');
    const text = 'this is my shopping list, not a database\n'.repeat(200);
    writeFileSync(file, text);
    const err = await expectFlotillaError(openStore(file), 'DB_ERROR');
    expect(err.message).toBe(`${file} is not a Flotilla database (not an SQLite file)`);
    expect(err.hint).toContain('FLOTILLA_HOME');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('reports a corrupt database as DB_ERROR with a recovery hint', async () => {
    const file = join(tempDir(), 'flotilla.db');
    const store = await openStore(file);
    const repo = await store.repos.register({ name: 'app', path: '/srv/app', defaultBranch: 'main' }, 'user');
    for (let i = 0; i < 50; i++)
      await store.tasks.create(repo.id, { title: `task ${i}`, prompt: 'x'.repeat(500) }, 'user');
    await store.close();
    // Keep the header page, scramble everything after it.
    const bytes = readFileSync(file);
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(file, bytes);

    const err = await expectFlotillaError(
      (async () => {
        const damaged = await openStore(file);
        try {
          await damaged.tasks.list();
        } finally {
          await damaged.close();
        }
      })(),
      'DB_ERROR',
    );
    expect(err.message).toMatch(/corrupt|not a Flotilla database/);
    expect(err.hint).toBeTruthy();
  });

  it('opens read-only: reads work, writes fail with DB_ERROR, and it never creates or upgrades', async () => {
    const dir = tempDir();
    const file = join(dir, 'flotilla.db');
    const writer = await openStore(file);
    const repo = await writer.repos.register(
      { name: 'app', path: '/srv/app', defaultBranch: 'main' },
      'user',
    );
    await writer.close();

    const reader = await openStore(file, { readonly: true });
    try {
      expect(reader.readonly).toBe(true);
      expect(await reader.repos.list()).toEqual([repo]);
      const err = await expectFlotillaError(reader.tasks.create(repo.id, { title: 't' }, 'user'), 'DB_ERROR');
      expect(err.message).toContain('cannot write');
    } finally {
      await reader.close();
    }

    await expectFlotillaError(openStore(join(dir, 'missing.db'), { readonly: true }), 'DB_ERROR');
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);

    const old = join(dir, 'old.db');
    await migrateFile(old, 1);
    const outdated = await expectFlotillaError(openStore(old, { readonly: true }), 'DB_ERROR');
    expect(outdated.message).toContain('needs an upgrade');
  });
});

describe('several connections on one file', () => {
  it('sees each other’s writes, and event ids stay unique and increasing', async () => {
    const file = join(tempDir(), 'flotilla.db');
    const cli = await openStore(file);
    const daemon = await openStore(file);
    try {
      const repo = await cli.repos.register({ name: 'app', path: '/srv/app', defaultBranch: 'main' }, 'user');
      expect(await daemon.repos.byPath('/srv/app')).toEqual(repo);
      const task = await daemon.tasks.create(repo.id, { title: 'from the daemon' }, 'daemon');
      expect((await cli.tasks.resolve(task.id.slice(0, 3))).title).toBe('from the daemon');
      await cli.tasks.move(task.id, 'done', 'user');
      expect((await daemon.tasks.get(task.id))?.status).toBe('done');
      const ids = (await daemon.events.list()).map((e) => e.id);
      expect(ids).toEqual([1, 2, 3]);
    } finally {
      await cli.close();
      await daemon.close();
    }
  });

  it('a writer waits for another process’s write lock (busy timeout), or fails with DB_ERROR after it', async () => {
    const dir = tempDir();
    const file = join(dir, 'flotilla.db');
    const marker = join(dir, 'locked');
    const patient = await openStore(file);
    const hasty = await openStore(file, { busyTimeoutMs: 20 });
    let other: Promise<unknown> = Promise.resolve();
    try {
      const repo = await patient.repos.register(
        { name: 'app', path: '/srv/app', defaultBranch: 'main' },
        'user',
      );
      // Another process takes the write lock, appends an event, holds the lock ~1 s, commits.
      const script = `
        const [file, marker] = process.argv.slice(1);
        const db = new (require('better-sqlite3'))(file);
        db.exec('begin immediate');
        db.prepare("insert into events (ts, type, actor, data) values (?, 'daemon.reconciled', 'daemon', '{}')")
          .run(new Date().toISOString());
        require('node:fs').writeFileSync(marker, '');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
        db.exec('commit');
        db.close();`;
      other = run(process.execPath, ['-e', script, file, marker], { cwd: process.cwd() });
      await waitFor(() => existsSync(marker), 'the other process to take the write lock');

      const busy = await expectFlotillaError(
        hasty.tasks.create(repo.id, { title: 'hasty' }, 'user'),
        'DB_ERROR',
      );
      expect(busy.message).toContain('locked by another Flotilla process');

      const task = await patient.tasks.create(repo.id, { title: 'patient' }, 'user');
      await other;
      const events = await patient.events.list();
      const started = events.find((e) => e.type === 'daemon.reconciled');
      const created = events.find((e) => e.type === 'task.created' && e.taskId === task.id);
      // Our write went in after the other process committed: it waited instead of failing.
      expect(started?.id).toBeLessThan(created?.id ?? 0);
      expect((await patient.tasks.list()).map((t) => t.title)).toEqual(['patient']);
    } finally {
      await other.catch(() => undefined);
      await hasty.close();
      await patient.close();
    }
  });
});

describe('two stores on one file in one process', () => {
  it('queue their interleaved transactions instead of deadlocking', async () => {
    const file = join(tempDir(), 'flotilla.db');
    const a = await openStore(file, { busyTimeoutMs: 200 });
    const b = await openStore(file, { busyTimeoutMs: 200 });
    try {
      const repo = await a.repos.register({ name: 'app', path: '/srv/app', defaultBranch: 'main' }, 'user');
      // Both transactions are open at once; without a shared lock B's BEGIN IMMEDIATE would block
      // the event loop while A waits for its turn, and fail after the busy timeout.
      const results = await Promise.all([
        a.transaction(async (tx) => {
          const t = await tx.tasks.create(repo.id, { title: 'from a' }, 'user');
          return tx.tasks.move(t.id, 'in_progress', 'user');
        }),
        b.transaction(async (tx) => {
          const t = await tx.tasks.create(repo.id, { title: 'from b' }, 'daemon');
          return tx.tasks.move(t.id, 'review', 'daemon');
        }),
      ]);
      expect(results.map((t) => t.status)).toEqual(['in_progress', 'review']);
      expect(await b.tasks.count()).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
