// Status latency against the REAL Claude Code (node_modules/.bin/claude) and the scripted model
// (dist/sim): from the moment the model's reply reaches the agent to the daemon's recorded
// status change, for a permission dialog (tool_use → needs_permission) and a turn end
// (end_turn → the status the Stop hook gives). The baseline, measured in the same run and
// interleaved with Flotilla's cycles, is a second Claude Code in the same tmux server whose
// hooks (the same events) are one trivial command each — `cat >/dev/null; echo "$(date +%s%3N)
// EVENT" >> file` — so "bare" is Claude Code's own time to reach a hook that appends a line.
//
// Everything runs inside a loopback-only network namespace (`unshare -n`, lo up): this file
// re-runs itself there with `--inside`, so the sim, the daemon, tmux and both Claude Codes
// share 127.0.0.1 and nothing else. Each Claude Code has the sandbox HOME (seeded by
// seedClaudeHome) and CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 & co (simClaudeEnv).
//
// The sim writes a reply in one go right after deciding it (no delayMs in this script), so the
// time it decides (onRequest) is the time the reply's last byte is written, within a millisecond.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, percentile, ROOT, report } from './lib.js';
import { makeBenchSandbox, sleep, until } from './sandbox.js';

const CLAUDE = join(ROOT, 'node_modules', '.bin', 'claude');
const ITERATIONS = Number(process.env.BENCH_CLAUDE_ITERATIONS ?? 20);
/** Cycles run before measuring: Claude Code's first tool call and turn take cold paths. */
const WARMUP = 1;
const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PermissionRequest']);
const DIALOG = 'Do you want to proceed?';

export async function benchStatusLatencyClaude() {
  try {
    accessSync(CLAUDE, constants.X_OK);
  } catch {
    console.log(`status (claude): skipped — ${CLAUDE} is not installed`);
    return;
  }
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(
      `status (claude): skipped — no loopback-only namespace (unshare -n needs root): ${probe.stderr?.trim()}`,
    );
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    'unshare',
    ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$1" --inside', process.execPath, self],
    { stdio: 'inherit' },
  );
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the namespaced run exited ${code}`);
}

function script(name, cycles) {
  const steps = [];
  for (let i = 0; i < cycles; i++) {
    steps.push({
      tool: { name: 'Bash', input: { command: `echo ${i} > step-${i}.txt`, description: `Write step ${i}` } },
    });
    steps.push({ text: `Step ${i} written.` });
  }
  return { name, steps };
}

async function inside() {
  const { startSimServer, seedClaudeHome, simClaudeEnv } = await import('../dist/sim/index.js');
  const cycles = WARMUP + ITERATIONS;
  /** When each scripted reply went out, per conversation: [{ tool, at }]. */
  const replies = { flotilla: [], bare: [] };
  const sim = await startSimServer({
    script: { conversations: [script('flotilla', cycles), script('bare', cycles)] },
    onRequest: (r) => {
      // Conversations are keyed `<name>@<session id>`.
      const name = r.conversation?.split('@')[0];
      if (r.kind === 'script' && name in replies)
        replies[name].push({ tool: r.replyTools.length > 0, at: Date.now() });
    },
  });
  const modelEnv = simClaudeEnv(sim.url);
  const config = {
    agents: { 'claude-code': { command: CLAUDE, env: modelEnv, permission_mode: 'default' } },
    limits: { max_concurrent: 4 },
  };
  const sb = makeBenchSandbox('status-claude', { config: JSON.stringify(config) });
  const tmux = (args) => spawnSync('tmux', ['-L', sb.socket, ...args], { encoding: 'utf8', env: sb.env });
  const screen = (target) => tmux(['capture-pane', '-p', '-t', target]).stdout ?? '';
  try {
    Object.assign(sb.env, modelEnv);
    const bareDir = join(sb.dir, 'bare');
    mkdirSync(bareDir);
    await seedClaudeHome(sb.dir, {
      trustedPaths: [sb.repo, realpathSync(sb.repo), bareDir, realpathSync(bareDir)],
    });
    sb.git(['commit', '-q', '--allow-empty', '-m', 'init']);
    sb.flotilla(['init', '--no-config-file']);
    const task = JSON.parse(
      sb.flotilla(['task', 'add', 'Latency probe', '--prompt', '[[sim:flotilla]] write the files', '--json']),
    );
    const agent = JSON.parse(sb.flotilla(['start', task.id, '--json']));
    const flotillaTarget = `flotilla-${agent.id}`;

    // The bare Claude Code: same version, same events hooked, each hook one trivial append.
    const bareLog = join(sb.dir, 'bare-hooks.log');
    const hooks = {};
    // The events Flotilla installs, from the build: the bare agent hooks exactly the same ones.
    const { CLAUDE_HOOK_EVENTS } = await import('../dist/agents/claude-code/hooks.js');
    for (const event of CLAUDE_HOOK_EVENTS) {
      const command = {
        type: 'command',
        command: `cat >/dev/null; echo "$(date +%s%3N) ${event}" >> ${bareLog}`,
      };
      hooks[event] = [TOOL_EVENTS.has(event) ? { matcher: '*', hooks: [command] } : { hooks: [command] }];
    }
    writeFileSync(join(sb.dir, 'bare-settings.json'), JSON.stringify({ hooks }));
    writeFileSync(bareLog, '');
    const envArgs = Object.entries({ ...modelEnv, HOME: sb.dir }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const started = tmux([
      'new-session',
      '-d',
      '-s',
      'bare',
      '-x',
      '200',
      '-y',
      '50',
      '-c',
      bareDir,
      ...envArgs,
      CLAUDE,
      '--session-id',
      randomUUID(),
      '--settings',
      join(sb.dir, 'bare-settings.json'),
      '--permission-mode',
      'default',
      '--',
      '[[sim:bare]] write the files',
    ]);
    if (started.status !== 0) throw new Error(`tmux new-session failed: ${started.stderr}`);
    const bareLines = () =>
      readFileSync(bareLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [ms, event] = l.split(' ');
          return { at: Number(ms), event };
        });
    const count = (event) => bareLines().filter((l) => l.event === event).length;

    const status = async () => (await sb.api('GET', `/agents/${agent.id}`)).status;
    const dialogOn = (target) => screen(target).includes(DIALOG);
    const sendPrompt = (target, text) => {
      tmux(['send-keys', '-t', target, '-l', text]);
      tmux(['send-keys', '-t', target, 'Enter']);
    };
    const dialogSeen = [];
    const turnEnded = (s) => s === 'needs_input' || s === 'idle';
    // One agent at a time (the bare one's first cycle, a warm-up, overlaps Flotilla's): each
    // waits at its prompt while the other is measured.
    const waitFor = async (check, what, ms) => {
      try {
        return await until(check, what, ms);
      } catch (err) {
        throw new Error(
          `${err.message}; agent ${await status()}, replies ${JSON.stringify(replies)}\n` +
            `flotilla screen:\n${screen(flotillaTarget)}\nbare screen:\n${screen('bare')}`,
        );
      }
    };
    for (let i = 0; i < cycles; i++) {
      // Flotilla's agent: dialog → status → approve (Enter on "1. Yes") → turn end → status.
      await waitFor(async () => (await status()) === 'needs_permission', `flotilla dialog ${i}`, 60_000);
      await waitFor(async () => dialogOn(flotillaTarget), `flotilla dialog ${i} on screen`, 30_000);
      tmux(['send-keys', '-t', flotillaTarget, 'Enter']);
      await waitFor(async () => replies.flotilla.length >= 2 * i + 2, `flotilla text reply ${i}`, 30_000);
      await waitFor(async () => turnEnded(await status()), `flotilla turn end ${i}`, 30_000);
      // The bare one, the same way, read from its hook log.
      if (i > 0) sendPrompt('bare', `[[sim:bare]] next ${i}`);
      // Polled tightly (one capture per ~5 ms): when the dialog is first on screen, to compare
      // with the hook (a capture costs a tmux client start, so only the bare cycle pays it).
      for (const end = Date.now() + 60_000; !dialogOn('bare'); await sleep(5)) {
        if (Date.now() > end) await waitFor(async () => false, `bare dialog ${i} on screen`, 0);
      }
      dialogSeen.push(Date.now());
      await waitFor(async () => count('PermissionRequest') > i, `bare dialog ${i}`, 60_000);
      tmux(['send-keys', '-t', 'bare', 'Enter']);
      await waitFor(async () => count('Stop') > i, `bare turn end ${i}`, 30_000);
      if (i + 1 < cycles) sendPrompt(flotillaTarget, `[[sim:flotilla]] next ${i + 1}`);
    }

    const { events } = await sb.api(
      'GET',
      `/events?agent=${agent.id}&type=agent.status_changed&order=asc&limit=10000`,
    );
    const changes = events.map((e) => ({ at: Date.parse(e.ts), to: e.data.to, source: e.data.source }));
    const hookLines = readFileSync(join(sb.home, 'agents', agent.id, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .map((l) => ({ at: Date.parse(l.ts), event: l.event }));
    const bare = bareLines();
    const after = (list, t, pred) => list.find((x) => x.at >= t && pred(x))?.at;
    const perm = { flotilla: [], bare: [], screen: [], pre: [], permHook: [], source: {} };
    const stop = { flotilla: [], bare: [], stopHook: [] };
    for (let i = WARMUP; i < cycles; i++) {
      const tool = replies.flotilla[2 * i].at;
      const text = replies.flotilla[2 * i + 1].at;
      const next = replies.flotilla[2 * i + 2]?.at ?? Number.POSITIVE_INFINITY;
      const p = changes.find((c) => c.at >= tool && c.at < text && c.to === 'needs_permission');
      if (!p) throw new Error(`cycle ${i}: no needs_permission between the tool reply and the next`);
      perm.flotilla.push(p.at - tool);
      perm.source[p.source] = (perm.source[p.source] ?? 0) + 1;
      perm.pre.push(after(hookLines, tool, (l) => l.event === 'PreToolUse') - tool);
      perm.permHook.push(after(hookLines, tool, (l) => l.event === 'PermissionRequest') - tool);
      const s = changes.find((c) => c.at >= text && c.at < next && turnEnded(c.to));
      if (!s) throw new Error(`cycle ${i}: no turn-end status after the text reply`);
      stop.flotilla.push(s.at - text);
      stop.stopHook.push(after(hookLines, text, (l) => l.event === 'Stop') - text);
      const bTool = replies.bare[2 * i].at;
      const bText = replies.bare[2 * i + 1].at;
      perm.bare.push(after(bare, bTool, (l) => l.event === 'PermissionRequest') - bTool);
      perm.screen.push(dialogSeen[i] - bTool);
      stop.bare.push(after(bare, bText, (l) => l.event === 'Stop') - bText);
    }

    const n = perm.flotilla.length;
    console.log(
      `status (claude ${claudeVersion()}): ${n} cycles, real Claude Code + scripted model, loopback-only`,
    );
    const stats = (name, values, baseValues, target) => {
      for (const [label, p] of [
        ['p50', 50],
        ['p99', 99],
        ['max', 100],
      ]) {
        report({
          name: `${name}, ${label}`,
          value: percentile(values, p),
          unit: 'ms',
          baselineName: `bare hook ${label}`,
          baseline: percentile(baseValues, p),
        });
      }
      for (const t of target) figure(t);
    };
    stats('status: tool_use → needs_permission', perm.flotilla, perm.bare, [
      {
        name: 'status: tool_use → needs_permission, p50',
        value: percentile(perm.flotilla, 50),
        unit: 'ms',
        target: 120,
      },
      {
        name: 'status: tool_use → needs_permission, max',
        value: Math.max(...perm.flotilla),
        unit: 'ms',
        target: 249,
      },
    ]);
    figure({ name: '  where: tool_use → PreToolUse line, p50', value: percentile(perm.pre, 50), unit: 'ms' });
    figure({
      name: '  where: tool_use → PermissionRequest line, p50',
      value: percentile(perm.permHook, 50),
      unit: 'ms',
    });
    const share = perm.flotilla.map((v, k) => v - perm.permHook[k]);
    figure({
      name: "  daemon's share: PermissionRequest line → status, p50",
      value: percentile(share, 50),
      unit: 'ms',
    });
    figure({
      name: "  daemon's share: PermissionRequest line → status, max",
      value: Math.max(...share),
      unit: 'ms',
    });
    figure({
      name: '  bare: tool_use → dialog on screen, p50',
      value: percentile(perm.screen, 50),
      unit: 'ms',
    });
    figure({
      name: '  bare: dialog on screen after its hook, p50',
      value: percentile(
        perm.screen.map((v, k) => v - perm.bare[k]),
        50,
      ),
      unit: 'ms',
    });
    console.log(`  needs_permission came from: ${JSON.stringify(perm.source)}`);
    stats('status: end_turn → turn-end status', stop.flotilla, stop.bare, [
      {
        name: 'status: end_turn → turn-end status, p50',
        value: percentile(stop.flotilla, 50),
        unit: 'ms',
        target: 249,
      },
    ]);
    figure({ name: '  where: end_turn → Stop line, p50', value: percentile(stop.stopHook, 50), unit: 'ms' });
    if (process.env.BENCH_CLAUDE_RAW) console.log(JSON.stringify({ perm, stop }));
  } finally {
    tmux(['kill-session', '-t', 'bare']);
    // Claude Code may still be writing under HOME as tmux goes: try the removal a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        sb.cleanup();
        break;
      } catch (err) {
        if (attempt >= 5) console.log(`status (claude): could not remove ${sb.dir}: ${err.message}`);
        if (attempt >= 5) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await sim.close();
  }
}

function claudeVersion() {
  try {
    const pkg = join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'package.json');
    return JSON.parse(readFileSync(pkg, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

if (process.argv[2] === '--inside') {
  inside().then(
    () => process.exit(0),
    (err) => {
      console.log(`status (claude): failed — ${err.stack ?? err}`);
      process.exit(1);
    },
  );
}
