import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlotillaEvent } from '../../../src/domain/event.js';
import { rawRequest } from '../daemon/helpers.js';
import { type CustomAgentDaemon, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * `GET /api/v1/events?actor=…`: the audit trail by who wrote it. Tasks created by a plain API
 * client (`api`) and with the CLI's header (`user`) against a real in-process daemon; an actor
 * that is not one is refused with INVALID_INPUT naming the valid forms, not answered with nothing.
 */
let fx: CustomAgentDaemon;
let userTask = '';
let apiTask = '';

type ErrorBody = { error: { code: string; message: string; issues: { path: string }[] } };
const events = async (query: string) => {
  const r = await fx.api(`/events?${query}`);
  expect(r.status, r.text).toBe(200);
  return (r.json as { events: FlotillaEvent[] }).events;
};

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'sleeper',
    agentScript: 'sleep 600',
    socketPrefix: 'flt-evactor',
  });
  apiTask = await fx.createTask('Made by a script');
  const r = await rawRequest(`${fx.daemon.url}/api/v1/tasks`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${fx.daemon.token}`,
      'content-type': 'application/json',
      'x-flotilla-client': 'cli',
    },
    body: JSON.stringify({ repoId: fx.repoId, title: 'Made from the CLI' }),
  });
  expect(r.status, r.text).toBe(201);
  userTask = (r.json as { id: string }).id;
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

describe('GET /events?actor=', () => {
  it('returns only the events written by that actor', async () => {
    const byUser = await events('actor=user');
    expect(byUser.map((e) => [e.type, e.taskId, e.actor])).toEqual([['task.created', userTask, 'user']]);
    const byApi = await events('actor=api&type=task.created');
    expect(byApi.map((e) => [e.type, e.taskId, e.actor])).toEqual([['task.created', apiTask, 'api']]);
    // A well-formed actor that wrote nothing (an agent id is an id like a task's): an empty page.
    expect(await events(`actor=agent:${userTask}`)).toEqual([]);
    expect(await events('actor=integration:github')).toEqual([]);
  });

  it('refuses an unknown actor with INVALID_INPUT that names the valid ones', async () => {
    for (const bad of ['someone', 'agent:', 'USER', 'integration:Bad Name']) {
      const r = await fx.api(`/events?actor=${encodeURIComponent(bad)}`);
      expect(r.status, r.text).toBe(400);
      const { error } = r.json as ErrorBody;
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe(
        `invalid query: actor: unknown actor '${bad}': valid are user, api, daemon, supervisor, hook, scheduler, cli, integration, integration:<name>, agent:<id>`,
      );
      expect(error.issues.map((i) => i.path)).toEqual(['actor']);
    }
  });
});
