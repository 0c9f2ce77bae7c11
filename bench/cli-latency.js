// CLI latency: `flotilla task list` with 1,000 tasks in the store, median over repeated runs,
// against bare `node -e ''` measured in the same run. Target: within 3×.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, median, percentile, report, tempDir, timeCommand } from './lib.js';

export async function benchCliLatency({ runs = 25 } = {}) {
  const { dir, cleanup } = tempDir('cli');
  let benchEnv = process.env;
  try {
    const repo = join(dir, 'repo');
    const home = join(dir, 'home');
    const env = {
      ...process.env,
      HOME: dir,
      FLOTILLA_HOME: home,
      XDG_CONFIG_HOME: join(dir, 'config'),
      NO_COLOR: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.invalid',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.invalid',
      FLOTILLA_SERVER__PORT: '0',
    };
    benchEnv = env;
    execFileSync('git', ['init', '-q', '-b', 'main', repo], { env });
    execFileSync('git', ['-C', repo, 'commit', '-q', '--allow-empty', '-m', 'init'], { env });
    execFileSync(process.execPath, [BIN, 'init'], { cwd: repo, env, stdio: 'ignore' });

    // Fill the store directly (the daemon is not running yet): 1,000 CLI calls would only
    // measure the setup. The first timed warm-up run starts the daemon.
    execFileSync(process.execPath, [BIN, 'daemon', 'stop'], { env, stdio: 'ignore' });
    const { openStore } = await import('../dist/store/index.js');
    const store = await openStore(join(home, 'flotilla.db'));
    const [repoRow] = await store.repos.list();
    for (let i = 0; i < 1000; i++) {
      await store.tasks.create(
        repoRow.id,
        {
          title: `Task number ${i}: do the thing`,
          prompt: 'x'.repeat(200),
          labels: i % 3 ? ['backend'] : ['web', 'ui'],
        },
        'cli',
      );
    }
    await store.close();

    const baseline = timeCommand(process.execPath, ['-e', ''], { runs, env });
    const list = timeCommand(process.execPath, [BIN, 'task', 'list'], { runs, env, cwd: repo });
    const listJson = timeCommand(process.execPath, [BIN, 'task', 'list', '--json'], { runs, env, cwd: repo });
    const version = timeCommand(process.execPath, [BIN, 'version'], { runs, env, cwd: repo });

    const base = median(baseline);
    report({
      name: 'cli: task list (1,000 tasks), median',
      value: median(list),
      unit: 'ms',
      baselineName: "node -e ''",
      baseline: base,
      target: 3,
    });
    report({
      name: 'cli: task list --json (1,000 tasks), median',
      value: median(listJson),
      unit: 'ms',
      baselineName: "node -e ''",
      baseline: base,
      target: 3,
    });
    report({
      name: 'cli: task list, p90',
      value: percentile(list, 90),
      unit: 'ms',
      baselineName: "node -e '' p90",
      baseline: percentile(baseline, 90),
    });
    report({
      name: 'cli: version, median',
      value: median(version),
      unit: 'ms',
      baselineName: "node -e ''",
      baseline: base,
    });
  } finally {
    try {
      execFileSync(process.execPath, [BIN, 'daemon', 'stop'], { env: benchEnv, stdio: 'ignore' });
    } catch {
      // no daemon to stop
    }
    cleanup();
  }
}
