// CLI latency: `flotilla task list` with 1,000 tasks in the store, median over repeated runs,
// against bare `node -e ''` measured in the same run. Target: within 3×.
import { join } from 'node:path';
import { BIN, median, percentile, report, timeCommand } from './lib.js';
import { makeBenchSandbox } from './sandbox.js';

export async function benchCliLatency({ runs = 25 } = {}) {
  const sb = makeBenchSandbox('cli');
  try {
    sb.git(['commit', '-q', '--allow-empty', '-m', 'init']);
    sb.flotilla(['init', '--no-config-file']);
    // Fill the store directly with the daemon stopped: 1,000 CLI calls would only measure the
    // setup. The first timed warm-up run starts the daemon again.
    sb.flotilla(['daemon', 'stop']);
    const { openStore } = await import('../dist/store/index.js');
    const store = await openStore(join(sb.home, 'flotilla.db'));
    const [repoRow] = await store.repos.list();
    for (let i = 0; i < 1000; i++) {
      await store.tasks.create(
        repoRow.id,
        {
          title: `Task number ${i}: do the thing`,
          prompt: 'x'.repeat(200),
          labels: i % 3 ? ['backend'] : ['web', 'ui'],
        },
        'user',
      );
    }
    await store.close();

    const opts = { runs, env: sb.env, cwd: sb.repo };
    const baseline = timeCommand(process.execPath, ['-e', ''], opts);
    const list = timeCommand(process.execPath, [BIN, 'task', 'list'], opts);
    const listJson = timeCommand(process.execPath, [BIN, 'task', 'list', '--json'], opts);
    const version = timeCommand(process.execPath, [BIN, 'version'], opts);

    const base = median(baseline);
    const vsNode = { unit: 'ms', baselineName: "node -e ''", baseline: base };
    report({ name: 'cli: task list (1,000 tasks), median', value: median(list), ...vsNode, target: 3 });
    report({
      name: 'cli: task list --json (1,000 tasks), median',
      value: median(listJson),
      ...vsNode,
      target: 3,
    });
    report({
      name: 'cli: task list, p90',
      value: percentile(list, 90),
      unit: 'ms',
      baselineName: "node -e '' p90",
      baseline: percentile(baseline, 90),
    });
    report({ name: 'cli: version, median', value: median(version), ...vsNode });
  } finally {
    sb.cleanup();
  }
}
