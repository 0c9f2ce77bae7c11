import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlotillaEvent, Task } from '../../src/domain/index.js';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

/**
 * Every write names its actor, from who made the request (src/api/actor.ts): a task moved with
 * the real `flotilla` binary is the user's; the same move by a plain API client holding the
 * token (no CLI header) is `api`. Read back from the audit trail over the daemon's own API.
 */
describe('actors of writes (real binary, real daemon)', () => {
  let sb: Sandbox;
  let url = '';
  let token = '';

  beforeAll(async () => {
    sb = makeSandbox();
    const init = await sb.flotilla(['init']);
    expect(init.code, init.stderr).toBe(0);
    url = (JSON.parse(readFileSync(join(sb.stateDir, 'daemon.json'), 'utf8')) as { url: string }).url;
    token = readFileSync(join(sb.stateDir, 'token'), 'utf8').trim();
  });
  afterAll(() => sb.cleanup());

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
    return (await res.json()) as T;
  };

  it('records a CLI move as the user and a plain API move as api', async () => {
    const added = await sb.flotilla(['task', 'add', 'Who moved me', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const task = JSON.parse(added.stdout) as Task;

    const moved = await sb.flotilla(['task', 'move', task.id, 'review']);
    expect(moved.code, moved.stderr).toBe(0);
    await api('POST', `/tasks/${task.id}/move`, { status: 'done' });

    const { events } = await api<{ events: FlotillaEvent[] }>(
      'GET',
      `/events?task=${task.id}&type=task.created,task.moved`,
    );
    expect(events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ['task.created', 'user', expect.anything()],
      ['task.moved', 'user', { from: 'todo', to: 'review' }],
      ['task.moved', 'api', { from: 'review', to: 'done' }],
    ]);
  });
});
