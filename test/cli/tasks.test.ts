import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/domain/index.js';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

// The new-user path through the real binary: init → task add ×3 → list → move → show → edit → rm.
describe('flotilla task (real binary, real git repo, real SQLite)', () => {
  let sb: Sandbox;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    sb = makeSandbox();
    const init = await sb.flotilla(['init']);
    expect(init.stderr).toBe(init.stderr); // keep stderr visible in failures below
    expect(init.code, init.stderr).toBe(0);
  });
  afterAll(() => sb.cleanup());

  const listJson = async (args: string[] = []) => {
    const r = await sb.flotilla(['task', 'list', '--json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { tasks: Task[]; total: number };
  };

  it('adds tasks, one depending on another', async () => {
    const a = await sb.flotilla([
      'task',
      'add',
      'Design the schema',
      '--priority',
      'high',
      '--label',
      'db',
      '--json',
    ]);
    expect(a.code, a.stderr).toBe(0);
    ids.a = (JSON.parse(a.stdout) as Task).id;
    const b = await sb.flotilla([
      'task',
      'add',
      'Write the migration',
      '--prompt',
      'Use kysely; keep it reversible',
      '--depends-on',
      ids.a.slice(0, 4),
      '--json',
    ]);
    expect(b.code, b.stderr).toBe(0);
    const taskB = JSON.parse(b.stdout) as Task;
    ids.b = taskB.id;
    expect(taskB.dependsOn).toEqual([ids.a]);
    const c = await sb.flotilla(['task', 'add', 'Update the docs', '-l', 'docs,web']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/^added [a-z0-9]{6} Update the docs/);
    ids.c = c.stdout.split(' ')[1] ?? '';
  });

  it('lists as JSON and as a table, ordered by priority', async () => {
    const { tasks, total } = await listJson();
    expect(total).toBe(3);
    expect(tasks[0]?.id).toBe(ids.a); // high priority first
    expect(tasks.map((t) => t.status)).toEqual(['todo', 'todo', 'todo']);
    const table = await sb.flotilla(['task', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+PRIORITY\s+TITLE/);
    expect(table.stdout).toContain('Write the migration');
    const filtered = await listJson(['--label', 'docs']);
    expect(filtered.tasks.map((t) => t.id)).toEqual([ids.c]);
  });

  it('moves a task (accepting in-progress spelling) and shows it', async () => {
    const moved = await sb.flotilla(['task', 'move', ids.a!, 'in-progress']);
    expect(moved.code, moved.stderr).toBe(0);
    const show = await sb.flotilla(['task', 'show', ids.a!, '--json']);
    expect((JSON.parse(show.stdout) as Task).status).toBe('in_progress');
    const human = await sb.flotilla(['task', 'show', ids.b!]);
    expect(human.stdout).toContain('Use kysely; keep it reversible');
    expect(human.stdout).toMatch(/depends on:\s+[a-z0-9]{6}/);
  });

  it('edits labels and priority', async () => {
    const r = await sb.flotilla([
      'task',
      'edit',
      ids.c!,
      '--remove-label',
      'web',
      '--label',
      'api',
      '--priority',
      'urgent',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as Task;
    expect(t.labels.sort()).toEqual(['api', 'docs']);
    expect(t.priority).toBe('urgent');
  });

  it('refuses a dependency cycle, names it, and changes nothing', async () => {
    const before = await listJson();
    const r = await sb.flotilla(['task', 'edit', ids.a!, '--depends-on', ids.b!]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cycle/i);
    expect(r.stderr).toContain(ids.a);
    expect(r.stderr).toContain(ids.b);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(await listJson()).toEqual(before);
  });

  it('refuses unknown statuses with the valid list and a suggestion', async () => {
    const before = await listJson();
    const r = await sb.flotilla(['task', 'move', ids.a!, 'doen']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown task status 'doen' (did you mean 'done'?)");
    expect(r.stderr).toContain('backlog, todo, in_progress, review, done, failed, cancelled');
    expect(await listJson()).toEqual(before);
  });

  it('refuses bad and unknown task ids', async () => {
    const bad = await sb.flotilla(['task', 'show', 'ZZ!']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error: .*ZZ!/);
    const missing = await sb.flotilla(['task', 'show', 'zzzzzz']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("'zzzzzz' not found");
    expect(missing.stderr).toContain('hint:');
  });

  it('refuses an empty title and an unknown priority, adding nothing', async () => {
    const before = await listJson();
    const empty = await sb.flotilla(['task', 'add', '   ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/title/);
    const prio = await sb.flotilla(['task', 'add', 'x', '--priority', 'hgh']);
    expect(prio.code).toBe(2);
    expect(prio.stderr).toContain("did you mean 'high'");
    const dep = await sb.flotilla(['task', 'add', 'x', '--depends-on', 'zzzzzz']);
    expect(dep.code).toBe(3);
    expect(await listJson()).toEqual(before);
  });

  it('asks before deleting; without a terminal it needs --yes', async () => {
    const refused = await sb.flotilla(['task', 'rm', ids.c!]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect((await listJson()).total).toBe(3);
    const blocked = await sb.flotilla(['task', 'rm', ids.a!, '--yes']);
    expect(blocked.code).toBe(4); // b depends on a
    expect(blocked.stderr).toContain(ids.b);
    const ok = await sb.flotilla(['task', 'rm', ids.c!, '--yes']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await listJson()).total).toBe(2);
  });

  it('prints usage errors with a suggestion and exit code 2', async () => {
    const r = await sb.flotilla(['task', 'lsit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'flotilla task lsit'/);
    expect(r.stderr).toMatch(/did you mean 'flotilla task list'\?/i);
  });
});

describe('prompt size', () => {
  it('a prompt too big to pass to an agent is refused at task add, adding nothing', async () => {
    const { makeSandbox } = await import('../helpers/cli.js');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const sb = makeSandbox();
    try {
      expect((await sb.flotilla(['init'])).code).toBe(0);
      const file = join(sb.dir, 'big.txt');
      writeFileSync(file, 'é'.repeat(60 * 1024)); // 120 KiB of UTF-8
      const r = await sb.flotilla(['task', 'add', 'Big one', '--prompt-file', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('prompt: a prompt is at most 100 KiB');
      const list = await sb.flotilla(['task', 'list', '--json']);
      expect(JSON.parse(list.stdout).total).toBe(0);
    } finally {
      sb.cleanup();
    }
  });
});
