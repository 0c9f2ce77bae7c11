import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  type Migration,
  migrate,
  migrateFile,
  openStore,
} from '../../../src/store/index.js';
import { connectSqlite } from '../../../src/store/sqlite.js';
import { expectFlotillaError, tempDirFixture } from './helpers.js';

const tempDir = tempDirFixture();

/*
 * Upgrade tests: for every schema version k a database is built as Flotilla at version k left
 * it, filled with representative rows, then opened by the current code. Adding migration N
 * without a seed for version N fails the first test, so every release is covered.
 */

type Seed = (db: BetterSqlite3.Database) => void;

const T = '2025-01-02T03:04:05.000Z';

/** Rows as schema v1 stores them (raw SQL: the current code may no longer write this shape). */
const seedV1: Seed = (db) => seedRows(db, 1);

/** The same rows at schema `version`: from v5 the agent names its worktree by id. */
function seedRows(db: BetterSqlite3.Database, version: number): void {
  db.prepare('insert into repos values (?, ?, ?, ?, ?)').run('r2r2r2', 'app', '/srv/app', 'main', T);
  const task = db.prepare(
    `insert into tasks (id, repo_id, title, prompt, priority, status, labels, external_refs, created_at, updated_at)
     values (?, 'r2r2r2', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  task.run('k3f9qa', 'Fix login', 'Make it work', 'high', 'done', '["bug"]', '[]', T, T);
  task.run('m2x7pp', 'Add tests', '', 'normal', 'todo', '[]', '[{"system":"jira","key":"APP-7"}]', T, T);
  db.prepare('insert into task_dependencies values (?, ?)').run('m2x7pp', 'k3f9qa');
  db.prepare(
    `insert into worktrees values ('w4w4w4', 'r2r2r2', 'm2x7pp', '/w/m2x7pp', 'flotilla/m2x7pp-add-tests', 'main',
       '0123456789abcdef0123456789abcdef01234567', 4100, ?, null)`,
  ).run(T);
  if (version < 5) {
    db.prepare(
      `insert into agents (id, task_id, repo_id, adapter, mode, status, status_source, status_since, worktree_path,
         branch, tmux_session, session_id, restart_count, pid, exit_code, created_at, updated_at, removed_at)
       values ('a7b8c9', 'm2x7pp', 'r2r2r2', 'claude-code', 'interactive', 'working', 'hook', ?, '/w/m2x7pp',
         'flotilla/m2x7pp-add-tests', 'flotilla-a7b8c9', 'b6a1c2d3-0000-4000-8000-000000000001', 1, 4242, null, ?, ?, null)`,
    ).run(T, T, T);
  } else {
    db.prepare(
      `insert into agents (id, task_id, repo_id, worktree_id, adapter, mode, status, status_source, status_since,
         tmux_session, session_id, restart_count, pid, exit_code, created_at, updated_at, removed_at)
       values ('a7b8c9', 'm2x7pp', 'r2r2r2', 'w4w4w4', 'claude-code', 'interactive', 'working', 'hook', ?,
         'flotilla-a7b8c9', 'b6a1c2d3-0000-4000-8000-000000000001', 1, 4242, null, ?, ?, null)`,
    ).run(T, T, T);
  }
  const event = db.prepare(
    'insert into events (ts, type, actor, repo_id, task_id, agent_id, data) values (?, ?, ?, ?, ?, ?, ?)',
  );
  event.run(T, 'task.created', 'cli', 'r2r2r2', 'k3f9qa', null, '{"title":"Fix login"}');
  event.run(
    T,
    'agent.status_changed',
    'hook',
    'r2r2r2',
    'm2x7pp',
    'a7b8c9',
    '{"from":"starting","to":"working"}',
  );
}

/** v3 added the supervisor's per-agent memory (owned by src/supervisor; only its core columns here). */
const seedV3: Seed = (db) => seedSupervision(db, 3);

function seedSupervision(db: BetterSqlite3.Database, version: number): void {
  seedRows(db, version);
  db.prepare(
    "insert into agent_supervision (agent_id, hook_offset, restarts, updated_at) values ('a7b8c9', 1234, '[1700000000000]', ?)",
  ).run(T);
}

/** v4 keeps what a status is about with the agent: its detail, last message and open request. */
const seedV4: Seed = (db) => seedFacts(db, 4);

function seedFacts(db: BetterSqlite3.Database, version: number): void {
  seedSupervision(db, version);
  db.prepare(
    `update agents set status_detail = 'Bash: rm -rf build', last_message = 'Cleaning up.',
       pending_permission = ? where id = 'a7b8c9'`,
  ).run(
    JSON.stringify({
      tool: 'Bash',
      subject: 'rm -rf build',
      diff: null,
      input: { command: 'rm -rf build' },
      requestedAt: T,
    }),
  );
}

/** v5: agents reference their worktree by id; its path and branch are the worktree row's. */
const seedV5: Seed = (db) => seedFacts(db, 5);

/** v6 added the landing queue: a landing of the done task survives the upgrade. */
const seedV6: Seed = (db) => {
  seedFacts(db, 6);
  db.prepare(
    `insert into landings (id, repo_id, task_id, state, step, strategy, base_ref, branch, conflicts, created_at, updated_at)
     values ('l1l1l1', 'r2r2r2', 'k3f9qa', 'landed', null, 'rebase', 'main', 'flotilla/k3f9qa-fix-login', '[]', ?, ?)`,
  ).run(T, T);
};

/** A seed per schema version. Version 2 only added an index, so its rows look like v1's. */
const SEEDS: Record<number, Seed> = { 1: seedV1, 2: seedV1, 3: seedV3, 4: seedV4, 5: seedV5, 6: seedV6 };

function schemaOf(file: string): unknown[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db
      .prepare(
        "select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%' order by name",
      )
      .all();
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('are numbered 1…N in order, and every version has an upgrade seed', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
    const unseeded = MIGRATIONS.filter((m) => SEEDS[m.version] === undefined).map((m) => m.version);
    expect(unseeded, 'add a seed for each new schema version to SEEDS').toEqual([]);
  });

  const versions = Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1);
  it.each(versions)('upgrade from schema v%i keeps the data and reaches the current schema', async (k) => {
    const dir = tempDir();
    const fresh = join(dir, 'fresh.db');
    await (await openStore(fresh)).close();

    const file = join(dir, `v${k}.db`);
    expect(await migrateFile(file, k)).toBe(k);
    const raw = new BetterSqlite3(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(k);
    SEEDS[k]?.(raw);
    raw.close();

    const store = await openStore(file);
    try {
      expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(await store.repos.list()).toEqual([
        { id: 'r2r2r2', name: 'app', path: '/srv/app', defaultBranch: 'main', createdAt: T },
      ]);
      const tasks = await store.tasks.list();
      expect(tasks.map((t) => [t.id, t.priority, t.status, t.labels, t.dependsOn])).toEqual([
        ['k3f9qa', 'high', 'done', ['bug'], []],
        ['m2x7pp', 'normal', 'todo', [], ['k3f9qa']],
      ]);
      expect(tasks[1]?.externalRefs).toEqual([{ system: 'jira', key: 'APP-7' }]);
      expect((await store.tasks.ready()).map((t) => t.id)).toEqual(['m2x7pp']);
      expect((await store.landings.list()).map((l) => [l.id, l.state])).toEqual(
        k >= 6 ? [['l1l1l1', 'landed']] : [],
      );
      expect(await store.agents.get('a7b8c9')).toMatchObject({
        worktreePath: '/w/m2x7pp',
        branch: 'flotilla/m2x7pp-add-tests',
        status: 'working',
        restartCount: 1,
        pid: 4242,
        sessionId: 'b6a1c2d3-0000-4000-8000-000000000001',
      });
      expect(await store.worktrees.usedPortBases()).toEqual([4100]);
      const facts = await store.agents.get('a7b8c9');
      if (k >= 4) {
        expect(facts).toMatchObject({
          statusDetail: 'Bash: rm -rf build',
          lastMessage: 'Cleaning up.',
          pendingPermission: { tool: 'Bash', subject: 'rm -rf build', diff: null },
        });
      } else {
        expect(facts).toMatchObject({ statusDetail: null, lastMessage: null, pendingPermission: null });
      }
      if (k >= 3) {
        const kept = await store.db
          .selectFrom('agent_supervision')
          .select(['agent_id', 'hook_offset', 'restarts', 'updated_at'])
          .execute();
        expect(kept).toEqual([
          { agent_id: 'a7b8c9', hook_offset: 1234, restarts: '[1700000000000]', updated_at: T },
        ]);
      }
      const events = await store.events.list();
      expect(events.map((e) => [e.id, e.type])).toEqual([
        [1, 'task.created'],
        [2, 'agent.status_changed'],
      ]);
      // New rows continue the old event sequence and satisfy the old rows' constraints.
      const added = await store.tasks.create(
        'r2r2r2',
        { title: 'After upgrade', dependsOn: ['m2x'] },
        'user',
      );
      expect(added.dependsOn).toEqual(['m2x7pp']);
      expect(await store.events.latestId()).toBe(3);
    } finally {
      await store.close();
    }
    expect(schemaOf(file)).toEqual(schemaOf(fresh));
  });

  it('v4 → v5: each agent gets the worktree of its task at its path; one whose row is missing keeps its path in a removed row', async () => {
    const file = join(tempDir(), 'v4.db');
    await migrateFile(file, 4);
    const raw = new BetterSqlite3(file);
    seedV4(raw);
    // An older, removed worktree of the same task at the same path: the live one is the agent's.
    raw
      .prepare(
        `insert into worktrees values ('w9w9w9', 'r2r2r2', 'm2x7pp', '/w/m2x7pp', 'flotilla/m2x7pp-old', 'main',
           '0123456789abcdef0123456789abcdef01234567', 4100, '2024-01-01T00:00:00.000Z', ?)`,
      )
      .run(T);
    // An agent whose worktree was never recorded (its row lost).
    raw
      .prepare(
        `insert into agents (id, task_id, repo_id, adapter, mode, status, status_source, status_since, worktree_path,
           branch, tmux_session, session_id, restart_count, pid, exit_code, created_at, updated_at, removed_at)
         values ('b3b3b3', 'k3f9qa', 'r2r2r2', 'codex', 'headless', 'exited', 'liveness', ?, '/w/k3f9qa',
           'flotilla/k3f9qa-fix-login', 'flotilla-b3b3b3', null, 2, null, 0, ?, ?, null)`,
      )
      .run(T, T, T);
    raw.close();

    const store = await openStore(file);
    try {
      const rows = await sql<{
        id: string;
        worktree_id: string;
      }>`select id, worktree_id from agents order by id`.execute(store.db);
      const recovered = rows.rows.find((r) => r.id === 'b3b3b3')?.worktree_id;
      expect(rows.rows).toEqual([
        { id: 'a7b8c9', worktree_id: 'w4w4w4' },
        { id: 'b3b3b3', worktree_id: recovered },
      ]);
      expect(await store.agents.get('a7b8c9')).toMatchObject({
        worktreePath: '/w/m2x7pp',
        branch: 'flotilla/m2x7pp-add-tests',
        statusDetail: 'Bash: rm -rf build',
      });
      // Nothing of the orphan is lost: its path and branch now live on a removed worktree row.
      expect(await store.agents.get('b3b3b3')).toMatchObject({
        taskId: 'k3f9qa',
        adapter: 'codex',
        mode: 'headless',
        status: 'exited',
        restartCount: 2,
        exitCode: 0,
        worktreePath: '/w/k3f9qa',
        branch: 'flotilla/k3f9qa-fix-login',
        createdAt: T,
      });
      const worktree = await store.worktrees.get(recovered as string);
      expect(worktree).toMatchObject({ taskId: 'k3f9qa', path: '/w/k3f9qa', removedAt: expect.any(String) });
      // A removed row holds no port and no live path.
      expect(await store.worktrees.usedPortBases()).toEqual([4100]);
      expect((await store.worktrees.list()).map((w) => w.id)).toEqual(['w4w4w4']);
    } finally {
      await store.close();
    }
  });

  it('migrating an up-to-date database does nothing', async () => {
    const file = join(tempDir(), 'flotilla.db');
    expect(await migrateFile(file)).toBe(LATEST_SCHEMA_VERSION);
    const before = schemaOf(file);
    expect(await migrateFile(file)).toBe(LATEST_SCHEMA_VERSION);
    expect(schemaOf(file)).toEqual(before);
  });

  it('a failing migration leaves the database at the previous version, without its half-made changes', async () => {
    const file = join(tempDir(), 'flotilla.db');
    const conn = connectSqlite(file, { maxVersion: 10 });
    const first = MIGRATIONS[0]!;
    const broken: Migration = {
      version: 2,
      name: 'broken',
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('half_made').addColumn('id', 'integer').execute();
        await sql`insert into no_such_table values (1)`.execute(db);
      },
    };
    try {
      const db = conn.db as Kysely<unknown>;
      const err = await expectFlotillaError(migrate(db, conn.dialect, 2, [first, broken]), 'DB_ERROR');
      expect(err.message).toContain('migration 2 (broken)');
      expect(await conn.dialect.readSchemaVersion(db)).toBe(1);
      const { rows } = await sql`select name from sqlite_master where name = 'half_made'`.execute(db);
      expect(rows).toEqual([]);
    } finally {
      await conn.db.destroy();
    }
  });

  it('refuses a migration list with a gap', async () => {
    const file = join(tempDir(), 'flotilla.db');
    const conn = connectSqlite(file, { maxVersion: 10 });
    try {
      const gap: Migration = { ...MIGRATIONS[0]!, version: 3 };
      await expect(migrate(conn.db as Kysely<unknown>, conn.dialect, 1, [gap])).rejects.toThrow(/expected 1/);
    } finally {
      await conn.db.destroy();
    }
  });
});
