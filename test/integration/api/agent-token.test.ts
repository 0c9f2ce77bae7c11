import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorePlugin } from '../../../src/daemon/core-plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { SupervisorPlugin } from '../../../src/daemon/supervisor-plugin.js';
import { waitFor } from '../../helpers/cli.js';
import { type RawResponse, rawRequest } from '../daemon/helpers.js';
import { type CustomAgentDaemon, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * Each agent gets a token of its own, good only for its own hook pokes: a model that reads its
 * environment must not find the daemon's token there, nor anything that drives other agents.
 * Two real agents (shells in tmux on a private server) under a real daemon, over HTTP.
 */
let fx: CustomAgentDaemon;
let url: string;
let restarted: RunningDaemon | undefined;
const agents: { id: string; pid: number; token: string }[] = [];

/** The agent process's real environment, as the kernel holds it. */
function environOf(pid: number): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) env.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return env;
}

const call = (method: string, path: string, token: string, body?: unknown): Promise<RawResponse> =>
  rawRequest(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'sleeper',
    agentScript: 'exec sleep 600',
    socketPrefix: 'flt-agtok',
  });
  url = fx.daemon.url;
  for (const title of ['One', 'Two']) {
    const started = await fx.startAgent(await fx.createTask(title));
    expect(started.status, started.text).toBe(201);
    const { id, pid } = started.json as { id: string; pid: number };
    // The agent's own token, read where the agent itself finds it: its environment.
    const token = await waitFor(() => environOf(pid).get('FLOTILLA_AGENT_TOKEN'), `agent ${id}'s token`);
    agents.push({ id, pid, token });
  }
}, 60_000);

afterAll(async () => {
  await restarted?.close();
  await fx?.cleanup();
});

describe('per-agent tokens', () => {
  it("are in the agent's environment, and the daemon's token is not", () => {
    const [a] = agents;
    const env = environOf(a!.pid);
    expect(a!.token).not.toBe(fx.daemon.token);
    for (const value of env.values()) expect(value).not.toContain(fx.daemon.token);
  });

  it("poke the agent's own hook route", async () => {
    const [a] = agents;
    const res = await call('POST', `/agents/${a!.id}/hook-events`, a!.token, { event: 'Stop' });
    expect(res.status, res.text).toBe(200);
  });

  it('are refused, 403 with a clear error, for every other route', async () => {
    const [a, b] = agents;
    const refused = [
      await call('GET', '/agents', a!.token),
      await call('GET', `/agents/${a!.id}`, a!.token),
      await call('POST', `/agents/${a!.id}/approve`, a!.token, {}),
      await call('POST', `/agents/${b!.id}/approve`, a!.token, {}),
      await call('POST', `/agents/${a!.id}/send`, a!.token, { text: 'hi' }),
      await call('POST', `/agents/${b!.id}/hook-events`, a!.token, { event: 'Stop' }),
      await call('GET', '/config', a!.token),
    ];
    for (const res of refused) {
      expect(res.status, res.text).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect((res.json as { error: { message: string } }).error.message).toContain(`agent ${a!.id}`);
    }
  });

  it('that are forged or damaged are simply wrong tokens (401)', async () => {
    const [a, b] = agents;
    const forged = `flotilla-agent.${b!.id}.${a!.token.split('.').at(-1)}`;
    const res = await call('POST', `/agents/${b!.id}/hook-events`, forged, { event: 'Stop' });
    expect(res.status, res.text).toBe(401);
    expect((await call('GET', '/agents', `${a!.token}x`)).status).toBe(401);
  });

  it('keep working across a daemon restart while the agent runs on', async () => {
    const [a] = agents;
    await fx.daemon.close();
    const core = new CorePlugin();
    restarted = await startDaemon({
      paths: fx.home.paths,
      config: fx.config,
      plugins: [core, new SupervisorPlugin(core)],
    });
    url = restarted.url;
    expect(environOf(a!.pid).get('FLOTILLA_AGENT_TOKEN')).toBe(a!.token);
    const res = await call('POST', `/agents/${a!.id}/hook-events`, a!.token, { event: 'Stop' });
    expect(res.status, res.text).toBe(200);
    expect((await call('GET', '/agents', a!.token)).status).toBe(403);
  });
});
