import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { makeSandbox, ROOT, type Sandbox, stopSandboxDaemon } from '../helpers/cli.js';
import { expectFlotillaError, tempDirFixture } from '../unit/store/helpers.js';

const tempDir = tempDirFixture();

describe('an empty (0-byte) database file', () => {
  it('is refused with DB_ERROR when the state dir holds other state, and left as it is', async () => {
    const dir = tempDir();
    const file = join(dir, 'flotilla.db');
    writeFileSync(file, '');
    // Emptied a while ago: not another process's database in the making.
    utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    writeFileSync(join(dir, 'token'), 'x\n');
    mkdirSync(join(dir, 'agents', 'k3f9qa'), { recursive: true });
    const err = await expectFlotillaError(openStore(file), 'DB_ERROR');
    expect(err.message).toContain(`the database ${file} is empty (0 bytes)`);
    expect(err.hint).toContain(`mv ${file} ${file}.empty`);
    expect(statSync(file).size).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['agents', 'flotilla.db', 'token']);
  });

  it('just created by another process (moments ago) gets a moment to become a database', async () => {
    const dir = tempDir();
    const file = join(dir, 'flotilla.db');
    writeFileSync(file, '');
    writeFileSync(join(dir, 'token'), 'x\n');
    // Another process that writes the header a little later, while this one is opening.
    const creator = spawn(
      process.execPath,
      [
        '-e',
        `setTimeout(() => new (require('better-sqlite3'))(${JSON.stringify(file)}).pragma('journal_mode = WAL'), 300)`,
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const exited = new Promise((r) => creator.once('exit', r));
    const store = await openStore(file);
    await store.close();
    await exited;
  });

  it('is taken as a new database on a fresh install (nothing else in the state dir)', async () => {
    const file = join(tempDir(), 'flotilla.db');
    writeFileSync(file, '');
    const store = await openStore(file);
    await store.close();
    expect(statSync(file).size).toBeGreaterThan(0);
  });
});

describe('an emptied database under the real CLI', () => {
  let sb: Sandbox | null = null;
  afterEach(() => sb?.cleanup());

  it('tasks do not vanish: the command fails with DB_ERROR and a recovery hint', async () => {
    sb = makeSandbox();
    expect((await sb.flotilla(['init'])).code).toBe(0);
    const add = await sb.flotilla(['task', 'add', 'Keep me']);
    expect(add.code, add.stderr).toBe(0);
    stopSandboxDaemon(sb.stateDir);
    const db = join(sb.stateDir, 'flotilla.db');
    truncateSync(db, 0);
    utimesSync(db, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const list = await sb.flotilla(['task', 'list']);
    expect(list.code).toBe(6);
    expect(list.stdout).toBe('');
    expect(list.stderr).toContain('is empty (0 bytes)');
    expect(list.stderr).toContain(`mv ${db} ${db}.empty`);
    expect(statSync(db).size).toBe(0);
  });
});
