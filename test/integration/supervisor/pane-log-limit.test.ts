import { appendFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SupervisorLogger } from '../../../src/supervisor/index.js';
import { type Harness, makeHarness, tickUntil } from './harness.js';

/** 0.02 MiB: a few hundred lines of the chatty fake agent. */
const LIMIT_MB = 0.02;
const LIMIT = Math.floor(LIMIT_MB * 1024 * 1024);

/** A logger that keeps the info lines it is given. */
function recordingLogger(): SupervisorLogger & { infos: { obj: object; msg: string }[] } {
  const infos: { obj: object; msg: string }[] = [];
  return { infos, debug() {}, info: (obj, msg) => infos.push({ obj, msg }), warn() {}, error() {} };
}

describe('the supervisor keeps pane logs under limits.pane_log_max_mb', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('rotates a chatty agent’s log on its ticks, keeps the newest output, and says so once per rotation', async () => {
    const logger = recordingLogger();
    h = await makeHarness({
      agentEnv: { FAKE_MODE: 'chatty', FAKE_LINES: '3000' },
      config: { limits: { pane_log_max_mb: LIMIT_MB } },
      supervisor: { logger },
    });
    const agent = await h.sup.start((await h.task()).id);
    const log = join(h.paths.agentsDir, agent.id, 'pane.log');
    await tickUntil(
      h,
      async () => {
        return (await h.sup.logs(agent.id, { lines: 1, raw: true })).trim() === 'DONE';
      },
      'the agent printing its 3,000 lines and DONE',
      20_000,
    );
    await h.sup.tick();

    // ~300 KB printed; the log was cut back again and again, and is within its limit now.
    expect(statSync(log).size).toBeLessThanOrEqual(LIMIT);
    // A quarter of the limit, plus whatever the agent printed during the copy.
    expect(statSync(`${log}.1`).size).toBeLessThan(LIMIT / 2);
    const rotations = logger.infos.filter((l) => l.msg === 'pane log rotated');
    expect(rotations.length).toBeGreaterThanOrEqual(3);
    expect(rotations[0]?.obj).toMatchObject({ agentId: agent.id, bytes: expect.any(Number) });

    // The newest output is all there, in order, across pane.log.1 and pane.log (the quarter
    // kept in pane.log.1 is ~5 KB: 57 of these lines).
    const tail = (await h.sup.logs(agent.id, { lines: 41, raw: true })).split('\n');
    expect(tail.at(-1)?.trim()).toBe('DONE');
    const numbers = tail.slice(0, -1).map((l) => Number(/^out (\d+) /.exec(l)?.[1]));
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => 2960 + i));
  });

  it('a headless agent’s usage totals survive rotations, and a daemon restart after them', async () => {
    h = await makeHarness({
      agentEnv: { FAKE_MODE: 'stream-chatty', FAKE_LINES: '600' },
      config: { limits: { pane_log_max_mb: LIMIT_MB } },
    });
    const agent = await h.sup.start((await h.task()).id, { mode: 'headless' });
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'idle',
      'the headless agent reporting its 600 results and going idle',
      20_000,
    );
    const log = join(h.paths.agentsDir, agent.id, 'pane.log');
    expect(existsSync(`${log}.1`)).toBe(true);
    const usage = await h.sup.usage(agent.id);
    expect(usage).toMatchObject({ reports: 600, inputTokens: 6000, outputTokens: 600 });
    expect(usage.costUsd).toBeCloseTo(6, 6);

    // A new daemon rebuilds the totals from what the rotations saved plus what the log holds.
    await h.sup.close();
    const second = h.newSupervisor();
    await second.boot();
    const rebuilt = await second.usage(agent.id);
    expect(rebuilt).toMatchObject({ reports: 600, inputTokens: 6000 });
    expect(rebuilt.costUsd).toBeCloseTo(6, 6);
  });

  it('a stream line the cut splits in two is still counted once, before and after a restart', async () => {
    h = await makeHarness({
      agentEnv: { FAKE_MODE: 'stream-chatty', FAKE_LINES: '5' },
      config: { limits: { pane_log_max_mb: LIMIT_MB } },
    });
    const agent = await h.sup.start((await h.task()).id, { mode: 'headless' });
    await tickUntil(
      h,
      async () => (await h.store.agents.get(agent.id))?.status === 'idle',
      'the headless agent reporting 5 results and going idle',
    );
    const log = join(h.paths.agentsDir, agent.id, 'pane.log');
    // Screen noise up to 3/4 of the limit, then a long result line still being written when a
    // tick cuts the log: the line starts before the quarter that pane.log.1 usually keeps.
    appendFileSync(log, 'noise\r\n'.repeat(Math.ceil((0.75 * LIMIT) / 7)));
    const line = JSON.stringify({ type: 'result', tokens: 1000, cost: 1, pad: 'y'.repeat(LIMIT) });
    const half = Math.floor(line.length / 2);
    appendFileSync(log, line.slice(0, half));
    await h.sup.tick();
    expect(statSync(log).size).toBe(0);
    appendFileSync(log, `${line.slice(half)}\r\n`);
    await h.sup.tick();
    expect(await h.sup.usage(agent.id)).toMatchObject({ reports: 6, inputTokens: 1050 });

    await h.sup.close();
    const second = h.newSupervisor();
    await second.boot();
    expect(await second.usage(agent.id)).toMatchObject({ reports: 6, inputTokens: 1050 });
  });
});
