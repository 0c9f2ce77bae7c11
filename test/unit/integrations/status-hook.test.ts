import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../../src/domain/agent.js';
import type { FlotillaEvent } from '../../../src/domain/event.js';
import { EventBus } from '../../../src/events/bus.js';
import { MAX_RUNNING, StatusHookRunner } from '../../../src/integrations/status-hook.js';
import { waitFor } from '../../helpers/cli.js';

// The runner with the real bus and real processes: what the command received, what a slow or
// missing command does to the daemon (nothing), and how many run at once.
let nextId = 1;
const statusEvent = (
  agentId: string,
  from: AgentStatus,
  to: AgentStatus,
  detail?: string,
): FlotillaEvent => ({
  id: nextId++,
  ts: new Date().toISOString(),
  type: 'agent.status_changed',
  actor: 'supervisor',
  repoId: null,
  taskId: null,
  agentId,
  data: { from, to, source: 'hook', ...(detail === undefined ? {} : { detail }) },
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logger() {
  const warnings: { obj: object; msg: string }[] = [];
  return { warnings, warn: (obj: object, msg: string) => warnings.push({ obj, msg }), debug: () => {} };
}

describe('hooks.on_status runner', () => {
  it('passes agent, old status, new status and detail as separate arguments, shell characters untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-hook-'));
    dirs.push(dir);
    const out = join(dir, 'argv.jsonl');
    const bus = new EventBus();
    const log = logger();
    const runner = new StatusHookRunner(
      bus,
      () => ({
        onStatus: [
          process.execPath,
          '-e',
          "require('fs').appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + '\\n')",
          out,
        ],
        timeoutSeconds: 10,
      }),
      log,
    );
    const detail = 'Bash: rm -rf "$HOME"; $(touch pwned) `id` \n next';
    bus.publish(statusEvent('abc234', 'working', 'needs_permission', detail));
    bus.publish(statusEvent('abc234', 'needs_permission', 'working'));
    // Other event types are not hooked.
    bus.publish({
      ...statusEvent('abc234', 'working', 'idle'),
      type: 'agent.health',
      data: { check: 'stuck', level: 'warn', message: 'not a status change' },
    });
    await runner.idle();
    const calls = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(calls).toHaveLength(2);
    expect(calls).toContainEqual(['abc234', 'working', 'needs_permission', detail]);
    expect(calls).toContainEqual(['abc234', 'needs_permission', 'working', '']);
    expect(log.warnings).toEqual([]);
    runner.close();
  });

  it('never blocks the bus: slow commands run at most MAX_RUNNING at once and are killed at the timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-hook-'));
    dirs.push(dir);
    const bus = new EventBus();
    const log = logger();
    // Each run records its start, then hangs far past the timeout.
    const script =
      "const fs=require('fs');fs.appendFileSync(process.argv[1], 'start\\n');setTimeout(()=>{}, 60000)";
    const out = join(dir, 'starts');
    const runner = new StatusHookRunner(
      bus,
      () => ({ onStatus: [process.execPath, '-e', script, out], timeoutSeconds: 1 }),
      log,
    );
    const starts = () => {
      try {
        return readFileSync(out, 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    };
    for (let i = 0; i < MAX_RUNNING + 2; i++) bus.publish(statusEvent(`agent${i}`, 'working', 'idle'));
    // publish returned: a later subscriber still gets its events at once.
    const seen: number[] = [];
    bus.subscribe({ liveOnly: true }, (e) => seen.push(e.id));
    bus.publish(statusEvent('zzz', 'idle', 'working'));
    expect(seen).toHaveLength(1);
    await waitFor(() => starts() === MAX_RUNNING || undefined, `${MAX_RUNNING} runs to start`, {
      timeoutMs: 10_000,
    });
    // The others wait for a slot, which the timeout frees.
    expect(starts()).toBe(MAX_RUNNING);
    await runner.idle();
    expect(starts()).toBe(MAX_RUNNING + 3);
    expect(log.warnings.length).toBe(MAX_RUNNING + 3);
    expect(log.warnings[0]?.msg).toBe('hooks.on_status command failed');
    runner.close();
  }, 30_000);

  it('a command that does not exist is a warning, and the next status change still runs', async () => {
    const bus = new EventBus();
    const log = logger();
    let command = ['/nonexistent/flotilla-hook'];
    const runner = new StatusHookRunner(bus, () => ({ onStatus: command, timeoutSeconds: 5 }), log);
    bus.publish(statusEvent('abc234', 'working', 'idle'));
    await runner.idle();
    expect(log.warnings).toHaveLength(1);
    expect(JSON.stringify(log.warnings[0]?.obj)).toContain('hooks.on_status');
    command = ['true'];
    bus.publish(statusEvent('abc234', 'idle', 'working'));
    await runner.idle();
    expect(log.warnings).toHaveLength(1);
    runner.close();
  });
});
