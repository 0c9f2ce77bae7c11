import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/api/routes/agents.js';
import type { Task } from '../../src/domain/task.js';
import type { SimRequestRecord } from '../../src/sim/index.js';
import { waitFor } from '../helpers/cli.js';
import { claudeVersions, type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * An agent uses Flotilla's MCP tools (ADR 0022): the real Claude Code, interactive (its TUI, on
 * the pinned version and npm's newest) and headless (`claude -p`), calls `mcp__flotilla__*` as
 * the scripted model asks — report_progress, create_task, ask_user, ready_for_review — through
 * `flotilla mcp` started from the agent's own `--mcp-config`. Checked by effect: the progress is
 * on the agent in `ps`, the follow-up task is in the store (`task list`), the agent waits with
 * the question until `flotilla answer`, the model RECEIVES the answer as the tool result, the
 * task is in review, and no permission dialog was ever shown for talking to Flotilla.
 * Real processes: the `flotilla` binary and daemon, tmux, git, Claude Code, `flotilla mcp`, the
 * scripted model, in a loopback-only network namespace.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e MCP tool tests: ${skip}`);

const QUESTION = 'Which port should the server use: 8080 or 9090?';
const ANSWER = 'Use 9090, please';

const tool = (name: string, input: Record<string, unknown>, say?: string) => ({
  ...(say === undefined ? {} : { text: say }),
  tool: { name: `mcp__flotilla__${name}`, input },
});

/**
 * The script: every tool once, then a last word. With `firstTurnIdle`, the first turn only says
 * it is ready and the tools come in the turn the test's `flotilla send` starts: 2.1.197's TUI
 * fixes a turn's tools when the turn starts, and its first turn (the task's prompt, given on the
 * command line) starts before the MCP tools are merged in — measured: `flotilla mcp` answered
 * `initialized` 50 ms before the prompt was submitted, yet that turn's request offered no
 * Flotilla tool and a call got "No such tool available". Headless runs and 2.1.33x wait for it.
 */
const toolsConversation = (name: string, ownTask: string, firstTurnIdle: boolean) => ({
  name,
  steps: [
    ...(firstTurnIdle ? [{ text: 'Ready.' }] : []),
    tool('report_progress', { text: 'reading the server code' }, 'Starting.'),
    tool('create_task', { title: `Document the port (${name})`, dependsOn: [ownTask] }),
    tool('ask_user', { question: QUESTION }),
    tool('ready_for_review', { summary: 'The server now listens on the port the user chose.' }),
    { text: `${name}: done.` },
  ],
});

async function runScenario(
  w: E2eWorld,
  name: string,
  mode: 'interactive' | 'headless',
  firstTurnIdle = false,
): Promise<void> {
  const task = await w.addTask(`Port the server (${name})`, `[[sim:${name}]] choose the port`);
  w.sim.addConversation(toolsConversation(name, task.id, firstTurnIdle));
  const agent = await w.json<AgentView>(['start', task.id, '--mode', mode]);
  const requests = (): SimRequestRecord[] =>
    w.sim.requests.filter((r) => r.kind === 'script' && r.sessionId === agent.sessionId);
  if (firstTurnIdle) {
    await w.waitForAgent(agent.id, (a) => a.status === 'idle', 'the first turn to end', 90_000);
    const sent = await w.flotilla(['send', agent.id, 'Go on with the port.']);
    expect(sent.code, sent.stderr).toBe(0);
  }

  // The question: the agent waits, saying what it asks.
  const asking = await w.waitForAgent(
    agent.id,
    (a) => a.status === 'needs_input' && a.statusDetail === `asks: ${QUESTION}`,
    'the agent to wait on its question',
    90_000,
  );
  // Reported before it asked: the progress line is on the agent, the follow-up in the store.
  expect(asking.progress?.text).toBe('reading the server code');
  const { tasks } = await w.json<{ tasks: Task[] }>(['task', 'list']);
  const followUp = tasks.find((t) => t.title === `Document the port (${name})`);
  expect(followUp, 'the follow-up task is on the board').toMatchObject({
    status: 'backlog',
    dependsOn: [task.id],
  });
  const created = await w.events({ type: 'task.created', task: followUp?.id ?? '' });
  expect(created.map((e) => e.actor)).toEqual([`agent:${agent.id}`]);
  // Nothing was answered yet: the model has not seen an answer.
  expect(requests().some((r) => r.toolResults.some((t) => t.content.includes(ANSWER)))).toBe(false);

  const answered = await w.flotilla(['answer', agent.id, ANSWER]);
  expect(answered.code, answered.stderr).toBe(0);
  expect(answered.stdout).toContain('answered');
  const result = await waitFor(
    () =>
      requests()
        .flatMap((r) => r.toolResults)
        .find((t) => t.content.includes(ANSWER)),
    'the model to receive the answer as the tool result',
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  expect(result.isError).toBe(false);
  expect(result.content.trim()).toBe(ANSWER);

  await waitFor(
    async () => ((await w.json<Task>(['task', 'show', task.id])).status === 'review' ? true : null),
    'the task to move to review',
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  const moved = await w.events({ type: 'task.moved', task: task.id });
  expect(moved.at(-1)).toMatchObject({
    actor: `agent:${agent.id}`,
    data: { to: 'review', message: 'The server now listens on the port the user chose.' },
  });
  // Every tool call ran without a question to the user (the settings allow exactly these).
  const statuses = await w.events({ type: 'agent.status_changed', agent: agent.id });
  expect(
    statuses.some((e) => e.data.to === 'needs_permission'),
    'never asked for permission',
  ).toBe(false);
  const results = requests().flatMap((r) => r.toolResults);
  expect(
    results.filter((t) => t.isError),
    'no tool call failed',
  ).toEqual([]);
  expect(results.length).toBe(4);
  // Installed through the agent's own settings: every later request offers exactly the five.
  const offered = requests()
    .at(-1)
    ?.offeredTools.filter((t) => t.startsWith('mcp__flotilla__'));
  const expected = ['ask_user', 'create_task', 'list_tasks', 'ready_for_review', 'report_progress'];
  expect(offered?.sort()).toEqual(expected.map((t) => `mcp__flotilla__${t}`));
}

for (const v of claudeVersions()) {
  const why = skip ?? v.skip;
  describe.skipIf(why !== null)(
    `e2e on Claude Code ${v.label} ${v.version}: an agent's MCP tools${why ? ` (skipped: ${why})` : ''}`,
    () => {
      let w: E2eWorld;
      beforeAll(async () => {
        w = await makeE2eWorld({ script: { conversations: [] }, claude: v.path });
      }, 60_000);
      afterAll(async () => {
        await w?.cleanup();
      }, 60_000);

      it('interactive: progress, a follow-up task, a question answered with flotilla answer, review', async () => {
        // 2.1.197: the tools from the second turn on (see toolsConversation).
        await runScenario(w, `tui-${v.label}`, 'interactive', v.version === '2.1.197');
      }, 180_000);

      it.skipIf(v.label !== 'pinned')(
        'headless: the same, beside the permission prompt tool',
        async () => {
          await runScenario(w, 'headless', 'headless');
        },
        180_000,
      );
    },
  );
}
