import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, waitFor } from '../../helpers/cli.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';
import { type RawResponse, rawRequest } from '../daemon/helpers.js';
import { type CustomAgentDaemon, environToken, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * `flotilla mcp` over stdio, driven by the official SDK's client as Claude Code drives it: the
 * real binary (dist/, built first), a real daemon, a real agent (a shell in tmux) whose token the
 * server uses. Checked by effect through the user's API: the task created is in the store, the
 * progress line is on the agent, the question makes the agent wait and the user's answer comes
 * back as the tool's result, a cancelled question is withdrawn, a refusal reaches the model as
 * an error result, and the task goes to review.
 */
let fx: CustomAgentDaemon;
let agent: { id: string; token: string; taskId: string };
let otherRepo: TestRepo;
let otherRepoTask: string;
const clients: Client[] = [];

const user = (method: string, path: string, body?: unknown): Promise<RawResponse> =>
  rawRequest(`${fx.daemon.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${fx.daemon.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const view = async () =>
  (await user('GET', `/agents/${agent.id}`)).json as {
    status: string;
    statusDetail: string | null;
    progress?: { text: string } | null;
  };

/** `flotilla mcp [args]` with the agent's environment, connected. */
async function connect(args: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...args],
    env: {
      PATH: process.env.PATH ?? '',
      FLOTILLA_HOME: fx.home.paths.home,
      FLOTILLA_AGENT_ID: agent.id,
      FLOTILLA_AGENT_TOKEN: agent.token,
    },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(transport);
  clients.push(client);
  return client;
}
const textOf = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'sleeper',
    agentScript: 'exec sleep 600',
    socketPrefix: 'flt-mcp',
  });
  const taskId = await fx.createTask('Port the server');
  const started = await fx.startAgent(taskId);
  expect(started.status, started.text).toBe(201);
  const { id, pid } = started.json as { id: string; pid: number };
  agent = { id, taskId, token: await waitFor(() => environToken(pid), `agent ${id}'s token`) };
  otherRepo = await makeRepo();
  const reg = await user('POST', '/repos', { path: otherRepo.path });
  const repoId = (reg.json as { repo: { id: string } }).repo.id;
  otherRepoTask = ((await user('POST', '/tasks', { repoId, title: 'Elsewhere' })).json as { id: string }).id;
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await fx?.cleanup();
  otherRepo?.cleanup();
});

describe('flotilla mcp over stdio', () => {
  it('serves the agent tools; the permission prompt only without --no-permission-prompt', async () => {
    const interactive = await connect(['--no-permission-prompt']);
    const names = (await interactive.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['ask_user', 'create_task', 'list_tasks', 'ready_for_review', 'report_progress']);
    const headless = await connect();
    expect((await headless.listTools()).tools.map((t) => t.name)).toContain('permission_prompt');
  });

  it("create_task and list_tasks: the follow-up is in the store, after the agent's task", async () => {
    const c = await connect(['--no-permission-prompt']);
    const created = await c.callTool({
      name: 'create_task',
      arguments: { title: 'Update the docs', prompt: 'Say the new port', dependsOn: [agent.taskId] },
    });
    expect(created.isError ?? false, textOf(created)).toBe(false);
    const id = /Created task (\w+)/.exec(textOf(created))?.[1];
    const stored = (await user('GET', `/tasks/${id}`)).json as {
      title: string;
      dependsOn: string[];
      status: string;
    };
    expect(stored).toMatchObject({ title: 'Update the docs', dependsOn: [agent.taskId], status: 'backlog' });
    const listed = JSON.parse(textOf(await c.callTool({ name: 'list_tasks', arguments: {} }))) as {
      id: string;
    }[];
    expect(listed.map((t) => t.id).sort()).toEqual([agent.taskId, id].sort());
  });

  it('a refusal reaches the model as an error result saying why, and creates nothing', async () => {
    const c = await connect(['--no-permission-prompt']);
    const refused = await c.callTool({
      name: 'create_task',
      arguments: { title: 'Across repos', dependsOn: [otherRepoTask] },
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('belongs to another repo');
    const titles = ((await user('GET', '/tasks')).json as { tasks: { title: string }[] }).tasks.map(
      (t) => t.title,
    );
    expect(titles).not.toContain('Across repos');
  });

  it('report_progress: the line is on the agent', async () => {
    const c = await connect(['--no-permission-prompt']);
    const r = await c.callTool({ name: 'report_progress', arguments: { text: 'server ported; tests next' } });
    expect(textOf(r)).toBe('Shown to the user: server ported; tests next');
    expect((await view()).progress?.text).toBe('server ported; tests next');
  });

  it("ask_user: the agent waits with the question; the user's answer is the tool's result", async () => {
    const c = await connect(['--no-permission-prompt']);
    const result = c.callTool({ name: 'ask_user', arguments: { question: 'Keep port 8080?' } }, undefined, {
      timeout: 60_000,
    });
    await waitFor(async () => ((await view()).status === 'needs_input' ? true : null), 'the agent to wait', {
      timeoutMs: 15_000,
    });
    expect((await view()).statusDetail).toBe('asks: Keep port 8080?');
    const answered = await user('POST', `/agents/${agent.id}/answer`, { text: 'No: use 9090' });
    expect(answered.status, answered.text).toBe(200);
    expect(textOf(await result)).toBe('No: use 9090');
    expect((await view()).status).toBe('working');
  });

  it('a cancelled ask_user call withdraws its question: the answer cannot go to a call that is gone', async () => {
    const c = await connect(['--no-permission-prompt']);
    const abort = new AbortController();
    const result = c
      .callTool({ name: 'ask_user', arguments: { question: 'Still there?' } }, undefined, {
        signal: abort.signal,
        timeout: 60_000,
      })
      .catch((e: Error) => e);
    await waitFor(async () => ((await view()).status === 'needs_input' ? true : null), 'the agent to wait', {
      timeoutMs: 15_000,
    });
    abort.abort();
    await result;
    await waitFor(
      async () => {
        const { events } = (await user('GET', `/events?type=agent.question&agent=${agent.id}`)).json as {
          events: { data: { phase: string; question: string } }[];
        };
        return events.some((e) => e.data.phase === 'dropped' && e.data.question === 'Still there?')
          ? true
          : null;
      },
      'the question to be withdrawn',
      { timeoutMs: 15_000 },
    );
    // Nothing is asked any more: the answer is taken as a message for the waiting agent instead.
    const after = await user('POST', `/agents/${agent.id}/answer`, { text: 'yes' });
    expect(after.json).toMatchObject({ answered: 'message' });
  });

  it('ready_for_review: the task is in review, with the summary', async () => {
    const c = await connect(['--no-permission-prompt']);
    const r = await c.callTool({ name: 'ready_for_review', arguments: { summary: 'Ported; port is 9090.' } });
    expect(textOf(r)).toContain('is now review');
    expect((await user('GET', `/tasks/${agent.taskId}`)).json).toMatchObject({ status: 'review' });
  });
});
