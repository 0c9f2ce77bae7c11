import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorePlugin } from '../../../src/daemon/core-plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { SupervisorPlugin } from '../../../src/daemon/supervisor-plugin.js';
import { PERMISSION_FILE } from '../../../src/supervisor/permissions.js';
import { waitFor } from '../../helpers/cli.js';
import { type RawResponse, rawRequest } from '../daemon/helpers.js';
import { type CustomAgentDaemon, environToken, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * POST /agents/:id/permission-requests, the route a headless agent's prompt tool (`flotilla
 * mcp`) calls with the agent's own token: the request shows on the agent, only the user's token
 * answers it, and neither the request nor the answer is lost across a daemon restart.
 * Two real agents (shells in tmux on a private server) under a real daemon, over HTTP.
 */
let fx: CustomAgentDaemon;
let url: string;
let restarted: RunningDaemon | undefined;
const agents: { id: string; token: string }[] = [];

const call = (method: string, path: string, token: string, body?: unknown): Promise<RawResponse> =>
  rawRequest(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const ask = (id: string, token: string, toolUseId: string, waitMs = 0) =>
  call('POST', `/agents/${id}/permission-requests?wait_ms=${waitMs}`, token, {
    tool_name: 'Bash',
    input: { command: `touch /tmp/${toolUseId}`, description: 'touch' },
    tool_use_id: toolUseId,
  });
const agentView = async (id: string) =>
  (await call('GET', `/agents/${id}`, fx.daemon.token)).json as {
    status: string;
    statusDetail: string | null;
  };

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'sleeper',
    agentScript: 'exec sleep 600',
    socketPrefix: 'flt-perm',
  });
  url = fx.daemon.url;
  for (const title of ['One', 'Two']) {
    const started = await fx.startAgent(await fx.createTask(title));
    expect(started.status, started.text).toBe(201);
    const { id, pid } = started.json as { id: string; pid: number };
    agents.push({ id, token: await waitFor(() => environToken(pid), `agent ${id}'s token`) });
  }
}, 60_000);

afterAll(async () => {
  await restarted?.close();
  await fx?.cleanup();
});

describe('headless permission requests', () => {
  it('show on the agent; its own token cannot answer them, nor ask for another agent', async () => {
    const [a, b] = agents;
    const res = await ask(a!.id, a!.token, 'toolu_one');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ state: 'pending', verdict: null });
    expect(await agentView(a!.id)).toMatchObject({
      status: 'needs_permission',
      statusDetail: 'Bash: touch /tmp/toolu_one',
    });
    for (const refused of [
      await call('POST', `/agents/${a!.id}/approve`, a!.token, {}),
      await call('POST', `/agents/${a!.id}/deny`, a!.token, {}),
      await ask(b!.id, a!.token, 'toolu_other'),
    ]) {
      expect(refused.status, refused.text).toBe(403);
      expect(refused.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    expect((await agentView(a!.id)).status).toBe('needs_permission');
  });

  it("a waiting ask gets the user's answer as soon as it is given", async () => {
    const [a] = agents;
    const waiting = ask(a!.id, a!.token, 'toolu_one', 30_000);
    const approved = await call('POST', `/agents/${a!.id}/approve`, fx.daemon.token, {});
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ answered: 'Yes', status: 'working' });
    const res = await waiting;
    expect(res.json).toMatchObject({
      state: 'decided',
      verdict: { behavior: 'allow', updatedInput: { command: 'touch /tmp/toolu_one' } },
    });
    const events = (await call('GET', `/events?type=agent.permission&agent=${a!.id}`, fx.daemon.token))
      .json as {
      events: { data: Record<string, unknown> }[];
    };
    expect(events.events.map((e) => [e.data.decision, e.data.by])).toEqual([['allow', 'user']]);
  });

  it('approve --always is refused for a headless request (no such option) and answers nothing', async () => {
    const [a] = agents;
    await ask(a!.id, a!.token, 'toolu_always');
    const res = await call('POST', `/agents/${a!.id}/approve`, fx.daemon.token, { always: true });
    expect(res.status, res.text).toBe(400);
    expect((await agentView(a!.id)).status).toBe('needs_permission');
  });

  it('a request and an answer given while the agent waits survive a daemon restart', async () => {
    const [a] = agents;
    const file = join(fx.home.paths.agentsDir, a!.id, PERMISSION_FILE);
    expect(existsSync(file)).toBe(true);
    await fx.daemon.close();
    const core = new CorePlugin();
    restarted = await startDaemon({
      paths: fx.home.paths,
      config: fx.config,
      plugins: [core, new SupervisorPlugin(core)],
    });
    url = restarted.url;
    // Answered before the agent's prompt tool asks again.
    const denied = await call('POST', `/agents/${a!.id}/deny`, restarted.token, { message: 'use /tmp/x' });
    expect(denied.status, denied.text).toBe(200);
    expect(denied.json).toMatchObject({ answered: 'No, use /tmp/x' });
    const res = await ask(a!.id, a!.token, 'toolu_always');
    expect(res.json).toMatchObject({ state: 'decided', verdict: { behavior: 'deny' } });
    expect((res.json as { verdict: { message: string } }).verdict.message).toContain(
      'the user said:\nuse /tmp/x',
    );
    expect(existsSync(file), 'nothing left pending').toBe(false);
  });
});
