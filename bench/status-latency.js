// Status latency: from an agent's hook firing to the daemon recording the status change,
// p50/p99 over 100 changes. The agent is a claude-code entry whose command idles (the figure is
// about Flotilla's hook path, not the model), and hooks are fired exactly as Claude Code fires
// them: `flotilla hook` with the JSON payload on stdin and the agent's environment.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure, percentile, report, tempDir } from './lib.js';
import { agentHookEnv, fireHook, makeBenchSandbox, until } from './sandbox.js';

const CHANGES = 100;

export async function benchStatusLatency() {
  const { dir, cleanup } = tempDir('status-agent');
  // Stands in for the claude binary: takes any arguments and idles.
  const fake = join(dir, 'fake-claude');
  writeFileSync(fake, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
  const sb = makeBenchSandbox('status', { config: `agents:\n  claude-code:\n    command: ${fake}\n` });
  try {
    sb.git(['commit', '-q', '--allow-empty', '-m', 'init']);
    sb.flotilla(['init', '--no-config-file']);
    sb.flotilla(['task', 'add', 'Latency probe']);
    const agent = JSON.parse(
      sb.flotilla(['start', sb.flotilla(['task', 'list', '--json']).match(/"id": "(\w+)"/)[1], '--json']),
    );
    const info = JSON.parse(readFileSync(join(sb.home, 'daemon.json'), 'utf8'));
    const hookEnv = agentHookEnv(sb, agent, info.url);
    const base = { session_id: agent.sessionId, cwd: agent.worktreePath, transcript_path: '/dev/null' };
    let lastId = (await sb.api('GET', `/events?agent=${agent.id}&order=desc&limit=1`)).lastId ?? 0;
    const fromLine = [];
    const fromSpawn = [];
    for (let i = 0; i < CHANGES; i++) {
      const payload =
        i % 2 === 0
          ? {
              ...base,
              hook_event_name: 'PreToolUse',
              tool_name: 'Bash',
              tool_input: { command: `echo ${i}` },
            }
          : { ...base, hook_event_name: 'Stop' };
      const t0 = Date.now();
      await fireHook(hookEnv, payload);
      const event = await until(
        async () => {
          const { events } = await sb.api(
            'GET',
            `/events?agent=${agent.id}&type=agent.status_changed&after=${lastId}`,
          );
          return events[0];
        },
        `status change ${i}`,
        10_000,
      );
      lastId = event.id;
      const lines = readFileSync(join(sb.home, 'agents', agent.id, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n');
      const hookTs = Date.parse(JSON.parse(lines.at(-1)).ts);
      fromLine.push(Date.parse(event.ts) - hookTs);
      fromSpawn.push(Date.parse(event.ts) - t0);
    }
    figure({
      name: 'status: hook line written → recorded, p50',
      value: percentile(fromLine, 50),
      unit: 'ms',
    });
    figure({
      name: 'status: hook line written → recorded, p99',
      value: percentile(fromLine, 99),
      unit: 'ms',
      target: 100,
    });
    // The same, counted from the moment the agent starts the hook process (node start-up included).
    const nodeStart = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await new Promise((r) => spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }).on('close', r));
      nodeStart.push(performance.now() - t);
    }
    report({
      name: 'status: hook spawned → recorded, p50',
      value: percentile(fromSpawn, 50),
      unit: 'ms',
      baselineName: "node -e ''",
      baseline: percentile(nodeStart, 50),
    });
    figure({ name: 'status: hook spawned → recorded, p99', value: percentile(fromSpawn, 99), unit: 'ms' });
  } finally {
    sb.cleanup();
    cleanup();
  }
}
