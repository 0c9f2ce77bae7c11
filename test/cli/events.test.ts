import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlotillaEvent, Task } from '../../src/domain/index.js';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

/**
 * `flotilla events`, the audit trail from the CLI: events made with the real binary (the user's)
 * and one made by a plain API client (`api`), then listed with filters, as JSON lines and as a
 * table that shows a hostile task title without letting its escapes reach the terminal.
 */
describe('flotilla events (real binary, real daemon)', () => {
  let sb: Sandbox;
  const tasks: Task[] = [];
  let apiMove: FlotillaEvent | undefined;

  const cli = async (args: string[]) => {
    const r = await sb.flotilla(args);
    expect(r.code, `flotilla ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FlotillaEvent);

  beforeAll(async () => {
    sb = makeSandbox();
    await cli(['init']);
    for (const title of ['Write the parser', 'Evil \u001b]0;pwned\u0007 title'])
      tasks.push(JSON.parse(await cli(['task', 'add', title, '--json'])) as Task);
    await cli(['task', 'move', tasks[0]!.id, 'review']);

    // The same kind of write by a plain API client (no CLI header) is recorded as `api`.
    const { url } = JSON.parse(readFileSync(join(sb.stateDir, 'daemon.json'), 'utf8')) as { url: string };
    const token = readFileSync(join(sb.stateDir, 'token'), 'utf8').trim();
    const res = await fetch(`${url}/api/v1/tasks/${tasks[1]!.id}/move`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'review' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    apiMove = jsonLines(await cli(['events', '--actor', 'api', '--json'])).at(-1);
  }, 60_000);
  afterAll(() => sb.cleanup());

  it('--actor user --json lists exactly the events the CLI made, one per line, oldest first', async () => {
    const all = jsonLines(await cli(['events', '--json', '--limit', '1000']));
    const expected = all.filter((e) => e.actor === 'user');
    // What the commands above wrote, and nothing else: the repo, both tasks and the move.
    expect(expected.map((e) => [e.type, e.taskId])).toEqual([
      ['repo.registered', null],
      ['task.created', tasks[0]!.id],
      ['task.created', tasks[1]!.id],
      ['task.moved', tasks[0]!.id],
    ]);
    expect(all.some((e) => e.actor !== 'user')).toBe(true);

    const out = await cli(['events', '--actor', 'user', '--json']);
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trimEnd().split('\n')).toHaveLength(expected.length);
    expect(jsonLines(out)).toEqual(expected);
  });

  it('filters by actor, task and type together; `api` is the plain API client', async () => {
    expect(apiMove).toMatchObject({ type: 'task.moved', actor: 'api', taskId: tasks[1]!.id });
    expect(jsonLines(await cli(['events', '--actor', 'api', '--json'])).map((e) => e.id)).toEqual([
      apiMove!.id,
    ]);
    const moves = jsonLines(
      await cli(['events', '--task', tasks[0]!.id, '--type', 'task.moved,task.deleted', '--json']),
    );
    expect(moves.map((e) => [e.type, e.actor, e.data])).toEqual([
      ['task.moved', 'user', { from: 'todo', to: 'review' }],
    ]);
    // --limit keeps the newest; --since an age keeps everything from this test run.
    const last = jsonLines(await cli(['events', '--limit', '1', '--json']));
    expect(last.map((e) => e.id)).toEqual([apiMove!.id]);
    const recent = jsonLines(await cli(['events', '--since', '1h', '--actor', 'user', '--json']));
    expect(recent.length).toBeGreaterThanOrEqual(4);
  });

  it('prints a table by default, with control characters in payloads shown, not sent', async () => {
    const out = await cli(['events', '--task', tasks[1]!.id]);
    const [header, ...rows] = out.trimEnd().split('\n');
    expect(header).toMatch(/^\s*ID\s+TIME\s+TYPE\s+ACTOR\s+AGENT\s+TASK\s+DETAILS$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+task\.created\s+user\s+-\s+/);
    expect(rows[0]).toContain('title=Evil \\x1b]0;pwned\\x07 title');
    expect(rows[1]).toMatch(/task\.moved\s+api\s+-\s+\S+\s+from=todo to=review$/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('refuses an unknown actor, naming the valid ones', async () => {
    const r = await sb.flotilla(['events', '--actor', 'someone']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown actor 'someone'");
    expect(r.stderr).toContain('agent:<id>');
    expect(r.stdout).toBe('');
  });
});
