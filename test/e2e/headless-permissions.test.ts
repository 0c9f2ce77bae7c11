import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { SimRequestRecord } from '../../src/sim/index.js';
import { simStep } from '../../src/sim/index.js';
import { waitFor } from '../helpers/cli.js';
import { type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * Headless agents ask: the real Claude Code (pinned 2.1.197, `claude -p` in stream-json mode)
 * sends each call that needs approval to Flotilla's permission prompt tool (`flotilla mcp`),
 * which asks the daemon with the agent's own token. Checked by effect: the marker file the
 * command would create, and the tool result the scripted model receives.
 * Real processes: the `flotilla` binary, its daemon, tmux, git, Claude Code, `flotilla mcp`, the
 * scripted model; all inside one loopback-only network namespace.
 */

const skip = await e2eSkipReason();
if (skip) console.warn(`skipping e2e headless permission tests: ${skip}`);

const touching = (name: string, marker: string) => ({
  name,
  steps: [
    simStep.bash(`touch ${marker}`, 'Create the marker', 'Creating the marker.'),
    simStep.text(`${name}: after the tool.`),
  ],
});

describe.skipIf(skip !== null)(`e2e: headless agents ask${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let w: E2eWorld;
  const marker = (name: string) => join(w.sb.dir, `${name}.marker`);

  beforeAll(async () => {
    w = await makeE2eWorld({ script: { conversations: [] } });
    // An agent with rules, on the same Claude Code and scripted model as the default entry.
    const file = join(w.sb.home, '.config', 'flotilla', 'config.yaml');
    const config = parse(readFileSync(file, 'utf8')) as { agents: Record<string, Record<string, unknown>> };
    config.agents['claude-ruled'] = {
      ...config.agents['claude-code'],
      adapter: 'claude-code',
      permissions: { allow: ['Bash(touch:*)'], deny: ['Bash(touch *refused.marker)'] },
    };
    writeFileSync(file, stringify(config));
    // The world may have started the daemon already: the next command starts one that reads it.
    const stopped = await w.flotilla(['daemon', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    for (const name of ['deny', 'approve', 'allowed', 'refused'])
      w.sim.addConversation(touching(name, marker(name)));
  }, 60_000);
  afterAll(async () => {
    await w?.cleanup();
  }, 60_000);

  const requestsOf = (sessionId: string): SimRequestRecord[] =>
    w.sim.requests.filter((r) => r.kind === 'script' && r.sessionId === sessionId);
  const toolResults = (sessionId: string) => requestsOf(sessionId).flatMap((r) => r.toolResults);

  async function startHeadless(
    name: string,
    agent = 'claude-code',
  ): Promise<{ id: string; sessionId: string }> {
    const task = await w.addTask(`Touch ${name}`, `[[sim:${name}]] create the ${name} marker`);
    return w.json<{ id: string; sessionId: string }>([
      'start',
      task.id,
      '--agent',
      agent,
      '--mode',
      'headless',
    ]);
  }

  it('deny: the agent shows needs_permission with the command; the command never runs and the model gets the refusal', async () => {
    const agent = await startHeadless('deny');
    const asking = await w.waitForAgent(agent.id, (a) => a.status === 'needs_permission', 'needs_permission');
    expect(asking.statusDetail).toBe(`Bash: touch ${marker('deny')}`);
    const r = await w.flotilla(['deny', agent.id, '--message', 'leave the marker alone']);
    expect(r.code, r.stderr).toBe(0);
    const refusal = await waitFor(
      () => toolResults(agent.sessionId).find((t) => t.isError),
      'the model to receive the refusal',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(refusal.content).toContain('the user said:\nleave the marker alone');
    await w.waitForAgent(agent.id, (a) => a.status === 'exited', 'the run to end', 60_000);
    expect(existsSync(marker('deny')), 'the denied command did not run').toBe(false);
    const decisions = await w.events({ type: 'agent.permission', agent: agent.id });
    expect(decisions.map((e) => [e.data.decision, e.data.by])).toEqual([['deny', 'user']]);
  }, 120_000);

  it('approve: the command runs', async () => {
    const agent = await startHeadless('approve');
    await w.waitForAgent(agent.id, (a) => a.status === 'needs_permission', 'needs_permission');
    const r = await w.flotilla(['approve', agent.id]);
    expect(r.code, r.stderr).toBe(0);
    await waitFor(() => existsSync(marker('approve')), 'the approved command to run', { timeoutMs: 30_000 });
    const result = await waitFor(
      () => toolResults(agent.sessionId)[0],
      'the tool result to reach the model',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(result.isError).toBe(false);
  }, 120_000);

  it('an allow rule runs the command with no question and records the decision', async () => {
    const agent = await startHeadless('allowed', 'claude-ruled');
    await waitFor(() => existsSync(marker('allowed')), 'the allowed command to run', { timeoutMs: 60_000 });
    await w.waitForAgent(agent.id, (a) => a.status === 'exited', 'the run to end', 60_000);
    const statuses = await w.events({ type: 'agent.status_changed', agent: agent.id });
    expect(
      statuses.some((e) => e.data.to === 'needs_permission'),
      'never asked',
    ).toBe(false);
    const decisions = await w.events({ type: 'agent.permission', agent: agent.id });
    expect(decisions.map((e) => [e.data.decision, e.data.by, e.data.rule])).toEqual([
      ['allow', 'rule', 'Bash(touch:*)'],
    ]);
  }, 120_000);

  it('a deny rule refuses with no question, over a matching allow rule', async () => {
    const agent = await startHeadless('refused', 'claude-ruled');
    const refusal = await waitFor(
      () => toolResults(agent.sessionId).find((t) => t.isError),
      'the model to receive the refusal',
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(refusal.content).toContain('Denied by the rule Bash(touch *refused.marker)');
    await w.waitForAgent(agent.id, (a) => a.status === 'exited', 'the run to end', 60_000);
    expect(existsSync(marker('refused'))).toBe(false);
    const statuses = await w.events({ type: 'agent.status_changed', agent: agent.id });
    expect(
      statuses.some((e) => e.data.to === 'needs_permission'),
      'never asked',
    ).toBe(false);
  }, 120_000);
});
