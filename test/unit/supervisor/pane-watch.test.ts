import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../../src/agents/registry.js';
import type { StatusSignal } from '../../../src/agents/types.js';
import type { Agent } from '../../../src/domain/agent.js';
import type { Lifecycle } from '../../../src/supervisor/lifecycle.js';
import { observePane } from '../../../src/supervisor/pane-watch.js';
import { RuntimeTable } from '../../../src/supervisor/runtime.js';
import { agentRecord } from './agent-record.js';

/**
 * The pane watch of an agent read from its screen only (Gemini CLI), with its real captured
 * screens; tmux and the lifecycle are stand-ins that record what the watch did.
 */
const screens = join(import.meta.dirname, '../../fixtures/gemini/screens-0.61.0');
const DONE = readFileSync(join(screens, '04-done.txt'), 'utf8');

const T0 = Date.parse('2026-12-07T12:00:00Z');

function world(status: Agent['status']) {
  const agent: Agent = agentRecord({
    id: 'a2345',
    adapter: 'gemini',
    status,
    statusSource: 'user',
    statusSince: new Date(T0 - 60_000).toISOString(),
    tmuxSession: 'flotilla-a2345',
  });
  const applied: StatusSignal[] = [];
  let captures = 0;
  const ctx = {
    logger: { info: () => undefined, debug: () => undefined },
    repoConfigs: { forQuietly: () => ({ agents: {} }) },
    adapterFor,
    tmux: {
      capturePane: async () => {
        captures++;
        return DONE;
      },
    },
  } as unknown as Parameters<typeof observePane>[0];
  const lifecycle = {
    applySignal: async (_id: string, signal: StatusSignal) => {
      applied.push(signal);
      agent.status = signal.status;
    },
  } as unknown as Lifecycle;
  const rt = new RuntimeTable(() => T0).get(agent.id);
  return {
    agent,
    applied,
    rt,
    captures: () => captures,
    look: (t: number) => observePane(ctx, lifecycle, agent, rt, t),
  };
}

describe('the pane watch of a screen-only agent', () => {
  it('reports a screen once it was seen steadily, then stays quiet while the record agrees', async () => {
    const w = world('working');
    w.rt.screen.restart({ status: 'working', source: 'user' });
    await w.look(T0);
    expect(w.applied).toEqual([]);
    await w.look(T0 + 1_000);
    expect(w.applied.map((s) => s.status)).toEqual(['idle']);
    const before = w.captures();
    // Nothing moved on screen and the record agrees: no capture at all.
    expect(await w.look(T0 + 2_000)).toBe(0);
    expect(w.captures()).toBe(before);
  });

  // CI saw Gemini left `working (user)` for a minute after an approve whose turn ended at once:
  // the idle screen had been reported, a write of `working` landed over it, and the watch,
  // which had nothing new to look at, never spoke again.
  it('looks again and wins when a write lands over a screen it already reported', async () => {
    const w = world('working');
    w.rt.screen.restart({ status: 'working', source: 'user' });
    await w.look(T0);
    await w.look(T0 + 1_000);
    expect(w.agent.status).toBe('idle');
    // The race: the record says working again, with no activity and no look due.
    w.agent.status = 'working';
    expect(w.rt.screen.captureDue).toBe(false);
    expect(await w.look(T0 + 2_000)).toBe(1);
    expect(w.agent.status).toBe('idle');
    expect(w.applied.at(-1)?.source).toBe('pane');
  });

  it('holds a usage limit being waited out, whatever the screen says', async () => {
    const w = world('working');
    w.rt.screen.restart({ status: 'working', source: 'user' });
    await w.look(T0);
    await w.look(T0 + 1_000);
    w.agent.status = 'rate_limited';
    expect(await w.look(T0 + 2_000)).toBe(0);
    expect(w.agent.status).toBe('rate_limited');
  });
});
