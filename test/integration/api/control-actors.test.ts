import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlotillaEvent } from '../../../src/domain/index.js';
import { waitFor } from '../../helpers/cli.js';
import { type RawResponse, rawRequest } from '../daemon/helpers.js';
import { type CustomAgentDaemon, environToken, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * An agent's controls are recorded as whoever called them (src/api/actor.ts), not as `user`
 * whatever the caller: approve, deny, stop and remove by a plain holder of the API token are
 * `api`; the same calls with the flotilla CLI's header (`x-flotilla-client: cli`, what the real
 * binary sends) are `user`. The status `source` stays `user` either way: an explicit control.
 * Real agents (shells in tmux on a private server) under a real daemon, over HTTP; the effect
 * is read back from the audit trail.
 */
let fx: CustomAgentDaemon;
const agents: { id: string; token: string }[] = [];

const call = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
  cli = false,
): Promise<RawResponse> =>
  rawRequest(`${fx.daemon.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(cli ? { 'x-flotilla-client': 'cli' } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const ok = async (method: string, path: string, body: unknown, cli: boolean) => {
  const res = await call(method, path, fx.daemon.token, body, cli);
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res;
};
/** The agent's own prompt tool asks to run a tool: a request is open for approve or deny. */
const ask = async (agent: { id: string; token: string }, toolUseId: string) => {
  const res = await call('POST', `/agents/${agent.id}/permission-requests?wait_ms=0`, agent.token, {
    tool_name: 'Bash',
    input: { command: `touch /tmp/${toolUseId}`, description: 'touch' },
    tool_use_id: toolUseId,
  });
  expect(res.json, res.text).toMatchObject({ state: 'pending' });
};
const events = async (agentId: string): Promise<FlotillaEvent[]> =>
  (
    (await call('GET', `/events?agent=${agentId}&limit=1000`, fx.daemon.token)).json as {
      events: FlotillaEvent[];
    }
  ).events;
/** The controls' events, as [type, actor, status source or permission decision]. */
const controls = async (agentId: string) =>
  (await events(agentId))
    .filter(
      (e) =>
        e.type === 'agent.permission' ||
        e.type === 'agent.removed' ||
        (e.type === 'agent.status_changed' && e.data.source === 'user'),
    )
    .map((e) => [
      e.type,
      e.actor,
      e.type === 'agent.status_changed'
        ? `${e.data.to} (${e.data.source})`
        : e.type === 'agent.permission'
          ? e.data.decision
          : null,
    ]);

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'sleeper',
    agentScript: 'exec sleep 600',
    socketPrefix: 'flt-actor',
  });
  for (const title of ['By the API', 'By the CLI']) {
    const started = await fx.startAgent(await fx.createTask(title));
    expect(started.status, started.text).toBe(201);
    const { id, pid } = started.json as { id: string; pid: number };
    agents.push({ id, token: await waitFor(() => environToken(pid), `agent ${id}'s token`) });
  }
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

describe('actors of an agent’s controls (real daemon)', () => {
  for (const [index, cli, actor] of [
    [0, false, 'api'],
    [1, true, 'user'],
  ] as const) {
    it(`records approve, deny, stop and remove ${cli ? 'from the CLI as user' : 'by a plain token as api'}`, async () => {
      const agent = agents[index]!;
      await ask(agent, `toolu_yes_${index}`);
      await ok('POST', `/agents/${agent.id}/approve`, {}, cli);
      await ask(agent, `toolu_no_${index}`);
      await ok('POST', `/agents/${agent.id}/deny`, { message: 'not that' }, cli);
      await ok('POST', `/agents/${agent.id}/stop`, {}, cli);
      await ok('DELETE', `/agents/${agent.id}`, undefined, cli);
      expect(await controls(agent.id)).toEqual([
        ['agent.permission', actor, 'allow'],
        ['agent.status_changed', actor, 'working (user)'],
        ['agent.permission', actor, 'deny'],
        ['agent.status_changed', actor, 'working (user)'],
        ['agent.status_changed', actor, 'stopped (user)'],
        ['agent.removed', actor, null],
      ]);
    });
  }
});
