import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../../src/api/routes/agents.js';
import { waitFor } from '../../helpers/cli.js';
import { type CustomAgentDaemon, startCustomAgentDaemon } from './custom-agent-daemon.js';

/**
 * The figures a dashboard card shows, from a real daemon whose agent is a shell in a tmux
 * session on a private server: the last line of its screen, and its CPU and memory history
 * from the supervisor's /proc samples (one every 5 s, so this file takes ~10 s).
 */
let fx: CustomAgentDaemon;
let agentId: string;

const api: CustomAgentDaemon['api'] = (path, body) => fx.api(path, body);
const view = async (): Promise<AgentView> => (await api(`/agents/${agentId}`)).json as AgentView;

beforeAll(async () => {
  fx = await startCustomAgentDaemon({
    agentName: 'talker',
    agentScript:
      'echo hello; printf "\\033[1mbold-last\\033[0m\\n"; echo "╰──────╯"; while read l; do echo "got:$l"; done',
    socketPrefix: 'flt-view',
  });
  const started = await fx.startAgent(await fx.createTask('Talk'));
  expect(started.status, started.text).toBe(201);
  agentId = (started.json as { id: string }).id;
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
});

describe('agent views for the dashboard cards', () => {
  it('come with the flag that says whether the terminal takes input', async () => {
    // The dashboard reads it from the config route: config.server.terminal_input.
    const { config } = (await api('/config')).json as { config: { server: { terminal_input: boolean } } };
    expect(config.server.terminal_input).toBe(false);
  });

  it("carry the last meaningful line of the agent's screen", async () => {
    await waitFor(
      async () => (await view()).lastOutput === 'bold-last',
      "'bold-last' as the last output (the border skipped)",
    );
    expect((await api(`/agents/${agentId}/send`, { text: 'next-line' })).status).toBe(200);
    await waitFor(async () => (await view()).lastOutput === 'got:next-line', 'the answer as the last output');
  });

  it('carry the CPU and memory history of a live agent, oldest first, and none once it stops', async () => {
    const live = await waitFor(
      async () => {
        const v = await view();
        return v.rssHistory.length >= 2 && v.cpuHistory.length >= 1 ? v : null;
      },
      'two resource samples',
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(live.rssHistory.every((b) => b > 0)).toBe(true);
    // The first sample after a start has no CPU figure: it is left out, not drawn as 0.
    expect(live.cpuHistory).toHaveLength(live.rssHistory.length - 1);
    expect(live.cpuHistory.every((c) => c >= 0)).toBe(true);
    expect(live.rssBytes).toBe(live.rssHistory.at(-1));
    expect(live.cpuPercent).toBe(live.cpuHistory.at(-1));
    const listed = await waitFor(async () => {
      const { agents } = (await api('/agents')).json as { agents: AgentView[] };
      const a = agents.find((x) => x.id === agentId);
      return a && a.rssHistory.length >= 2 ? a : null;
    }, 'the list carrying the history too');
    expect(listed.lastOutput).toBe('got:next-line');

    const stopped = (await api(`/agents/${agentId}/stop`, {})).json as AgentView;
    expect(stopped.status).toBe('stopped');
    expect(stopped).toMatchObject({ cpuHistory: [], rssHistory: [], cpuPercent: null, rssBytes: null });
    // What it said last stays worth showing on its card.
    expect(stopped.lastOutput).toBe('got:next-line');
  }, 30_000);
});
