import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/domain/index.js';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

// `start` and `up` through the real binary and daemon, where a task waits on another: the
// refusal and `up`'s reasons are what a user reads. (Starts that run agents: test/integration/api/admission.test.ts.)
describe('flotilla start / up with unfinished dependencies (real binary)', () => {
  let sb: Sandbox;
  let first: Task;
  let second: Task;

  beforeAll(async () => {
    sb = makeSandbox();
    expect((await sb.flotilla(['init'])).code).toBe(0);
    const add = async (args: string[]) => {
      const r = await sb.flotilla(['task', 'add', ...args, '--json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Task;
    };
    first = await add(['Design the schema', '--status', 'backlog']);
    second = await add(['Write the migration', '--depends-on', first.id]);
  }, 60_000);
  afterAll(() => sb.cleanup());

  it('start is refused (exit 4) naming the dependency, its id and status, with the --force hint', async () => {
    const r = await sb.flotilla(['start', second.id]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`"Design the schema" (${first.id}, backlog)`);
    expect(r.stderr).toContain(`flotilla start ${second.id} --force`);
    const ps = await sb.flotilla(['ps', '--json']);
    expect(JSON.parse(ps.stdout)).toEqual({ agents: [] });
  });

  it('up says which task blocks the one it did not start, in words and in --json', async () => {
    const human = await sb.flotilla(['up']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(
      `skipped ${second.id} Write the migration: blocked by "Design the schema" (${first.id}, backlog)`,
    );
    const json = await sb.flotilla(['up', '--json']);
    const result = JSON.parse(json.stdout) as {
      skipped: { taskId: string; code: string; blockedBy: unknown }[];
    };
    expect(result.skipped).toEqual([
      expect.objectContaining({
        taskId: second.id,
        code: 'BLOCKED',
        blockedBy: [{ id: first.id, title: 'Design the schema', status: 'backlog' }],
      }),
    ]);
  });

  it('--force is documented in start --help', async () => {
    const r = await sb.flotilla(['start', '--help']);
    expect(r.stdout).toMatch(/-f, --force\s+start even if its dependencies are not done/);
  });
});
