import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { FlotillaError } from '../domain/errors.js';
import { run } from '../proc/run.js';
import { isAlive } from '../proc/signals.js';
import { which } from '../proc/which.js';
import { seedClaudeHome, simClaudeEnv } from './claude-home.js';
import { DEMO_REPO_FILES } from './demo-scenario.js';

/**
 * The throwaway world `flotilla demo` runs in: one directory holding a sample repo, a HOME (so
 * the user's ~/.claude, ~/.gitconfig and ~/.config are never read or written), a FLOTILLA_HOME,
 * a config file and a marker naming the demo's own tmux socket. Everything the demo starts gets
 * an environment built from a short allow-list, never the user's whole environment.
 */

/** Where each part of one demo lives. */
export interface DemoLayout {
  dir: string;
  /** The sample repository (main checkout). */
  repo: string;
  home: string;
  /** FLOTILLA_HOME of the demo. */
  state: string;
  /** FLOTILLA_CONFIG of the demo (the user-level config layer). */
  configFile: string;
  /** `demo.json`: proves a directory is a demo's before `--clean` deletes it. */
  markerFile: string;
  tmuxSocket: string;
}

/** What `demo.json` records. */
export interface DemoMarker {
  flotillaDemo: 1;
  tmuxSocket: string;
  createdAt: string;
  /**
   * Set when a demo ends without --keep: its daemon was stopped on purpose, and a command run
   * later with its state dir refuses to start another one (see finishedDemoFor in cli/context).
   */
  finishedAt?: string;
}

export const DEMO_MARKER = 'demo.json';
const SAMPLE_REPO = 'sample-app';

export function demoLayout(dir: string, tmuxSocket: string): DemoLayout {
  return {
    dir,
    repo: join(dir, SAMPLE_REPO),
    home: join(dir, 'home'),
    state: join(dir, 'state'),
    configFile: join(dir, 'config.yaml'),
    markerFile: join(dir, DEMO_MARKER),
    tmuxSocket,
  };
}

/** Records in demo.json that the demo is over (its daemon and tmux server were stopped). */
export function markDemoFinished(layout: DemoLayout): void {
  const marker = readDemoMarker(layout.dir);
  if (!marker) return;
  writeFileSync(
    layout.markerFile,
    `${JSON.stringify({ ...marker, finishedAt: new Date().toISOString() }, null, 2)}\n`,
  );
}

/** The demo marker in `dir`, or null when `dir` is not a demo directory. */
export function readDemoMarker(dir: string): DemoMarker | null {
  try {
    const v = JSON.parse(readFileSync(join(dir, DEMO_MARKER), 'utf8')) as Partial<DemoMarker>;
    return v.flotillaDemo === 1 && typeof v.tmuxSocket === 'string' && /^[\w.-]+$/.test(v.tmuxSocket)
      ? (v as DemoMarker)
      : null;
  } catch {
    return null;
  }
}

/**
 * Makes the demo directory: `dir` if given (it must not exist or be empty), else a new temp
 * dir. Real paths throughout: Claude Code's folder trust compares the paths git reports.
 */
export function createDemoDir(dir?: string): DemoLayout {
  let root: string;
  if (dir === undefined) {
    root = mkdtempSync(join(tmpdir(), 'flotilla-demo-'));
  } else {
    root = resolve(dir);
    if (existsSync(root) && readdirSync(root).length > 0) {
      throw new FlotillaError('CONFLICT', `${root} is not empty`, {
        hint: 'give --dir a new or empty directory, or remove an old demo with: flotilla demo --clean <dir>',
      });
    }
    mkdirSync(root, { recursive: true });
  }
  root = realpathSync(root);
  const layout = demoLayout(root, `flotilla-demo-${randomBytes(4).toString('hex')}`);
  const marker: DemoMarker = {
    flotillaDemo: 1,
    tmuxSocket: layout.tmuxSocket,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(layout.markerFile, `${JSON.stringify(marker, null, 2)}\n`);
  for (const d of [layout.repo, layout.home, layout.state]) mkdirSync(d, { recursive: true, mode: 0o700 });
  return layout;
}

/** Variables passed through from the user's environment; everything else is left behind. */
const PASS_THROUGH = [
  'PATH',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'USER',
  'LOGNAME',
  'SHELL',
  'TZ',
  'TMPDIR',
  'TMUX_TMPDIR',
];

/**
 * The environment of everything the demo starts (daemon, tmux server, agents, git): its own
 * HOME, XDG dirs, state dir, config and tmux socket, and the variables that keep Claude Code
 * off the network (it then talks only to ANTHROPIC_BASE_URL, on 127.0.0.1).
 */
export function demoEnv(layout: DemoLayout, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of PASS_THROUGH) if (from[k] !== undefined) env[k] = from[k];
  const { ANTHROPIC_BASE_URL: _url, ANTHROPIC_API_KEY: _key, ...networkOff } = simClaudeEnv('');
  return {
    ...env,
    LANG: env.LANG ?? 'C.UTF-8',
    HOME: layout.home,
    XDG_CONFIG_HOME: join(layout.home, '.config'),
    XDG_DATA_HOME: join(layout.home, '.local', 'share'),
    XDG_STATE_HOME: join(layout.home, '.local', 'state'),
    XDG_CACHE_HOME: join(layout.home, '.cache'),
    FLOTILLA_HOME: layout.state,
    FLOTILLA_CONFIG: layout.configFile,
    FLOTILLA_TMUX__SOCKET: layout.tmuxSocket,
    FLOTILLA_SERVER__PORT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...networkOff,
  };
}

/** Flotilla's package root (src/sim and dist/sim are both two levels below it). */
const packageRoot = (): string => resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The Claude Code CLI to run: the pinned devDependency next to Flotilla, else `claude` on PATH.
 * Fails with how to get one.
 */
export function findClaudeCommand(path: string | undefined = process.env.PATH): string {
  const candidates = [join(packageRoot(), 'node_modules', '.bin', 'claude')];
  try {
    const pkg = createRequire(import.meta.url).resolve('@anthropic-ai/claude-code/package.json');
    candidates.push(join(dirname(pkg), 'bin', 'claude.exe'), join(dirname(pkg), 'bin', 'claude'));
  } catch {
    // not installed as a dependency of this package
  }
  for (const c of candidates) if (which(c)) return c;
  const onPath = which('claude', path);
  if (onPath) return onPath;
  throw new FlotillaError('TOOL_MISSING', 'the demo needs the Claude Code CLI, and none was found', {
    hint: `install it: npm install -g @anthropic-ai/claude-code (looked in ${candidates[0]} and on PATH)`,
  });
}

/** The sample repository: a few files in one commit on `main`, by the demo's own identity. */
export async function createSampleRepo(layout: DemoLayout, env: NodeJS.ProcessEnv): Promise<string> {
  // Agents commit too: their git reads this identity from the demo HOME.
  writeFileSync(
    join(layout.home, '.gitconfig'),
    '[user]\n\tname = Flotilla Demo\n\temail = demo@flotilla.invalid\n[init]\n\tdefaultBranch = main\n',
  );
  for (const [rel, content] of Object.entries(DEMO_REPO_FILES)) {
    const file = join(layout.repo, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const git = (args: string[]) => run('git', ['-C', layout.repo, ...args], { env, timeoutMs: 30_000 });
  await git(['init', '--quiet', '--initial-branch=main']);
  await git(['add', '--all']);
  await git(['commit', '--quiet', '-m', 'sample-app: a tiny project for the Flotilla demo']);
  return (await git(['rev-parse', 'HEAD'])).stdout.trim();
}

/** What the demo config needs to know. */
export interface DemoConfigInput {
  claudeCommand: string;
  /** The scripted model's URL (127.0.0.1). */
  modelUrl: string;
  maxConcurrent: number;
}

/**
 * Pre-answers Claude Code's first-run screens in the demo HOME (onboarding, the API key, the
 * repo's trust — its worktrees inherit it) and writes the demo's config file. Tools: Write and
 * Edit are accepted by `acceptEdits`, Bash by `--allowedTools Bash` (measured with 2.1.197: no
 * dialog, as root too; bypass mode would need IS_SANDBOX=1 as root).
 */
export async function writeDemoConfig(layout: DemoLayout, input: DemoConfigInput): Promise<void> {
  await seedClaudeHome(layout.home, { trustedPaths: [layout.repo] });
  const config = {
    agent: 'claude-code',
    agents: {
      'claude-code': {
        command: input.claudeCommand,
        args: ['--allowedTools', 'Bash'],
        mode: 'interactive',
        permission_mode: 'acceptEdits',
        // HOME here too: a daemon started later from the user's shell must not give agents the real one.
        env: { HOME: layout.home, GIT_CONFIG_NOSYSTEM: '1', ...simClaudeEnv(input.modelUrl) },
      },
    },
    tmux: { socket: layout.tmuxSocket },
    server: { port: 0 },
    limits: { max_concurrent: input.maxConcurrent },
  };
  writeFileSync(
    layout.configFile,
    `# Written by \`flotilla demo\`: agents talk to a scripted model on 127.0.0.1, never to the network.\n${stringify(config)}`,
  );
}

/**
 * Kills the demo's own tmux server (and every agent session in it), then waits for the agents to
 * be gone: on SIGHUP Claude Code runs its SessionEnd hook, which writes into the state dir, so a
 * directory removed too early would come back. False if no server was running.
 */
export async function killDemoTmux(
  socket: string,
  env: NodeJS.ProcessEnv,
  waitMs = 10_000,
): Promise<boolean> {
  const panes = await run('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], {
    env,
    allowFailure: true,
    timeoutMs: 10_000,
  });
  const pids =
    panes.code === 0
      ? panes.stdout
          .split('\n')
          .map(Number)
          .filter((p) => p > 0)
      : [];
  const r = await run('tmux', ['-L', socket, 'kill-server'], { env, allowFailure: true, timeoutMs: 10_000 });
  // kill-server hangs up on each pane; an agent that ignores SIGHUP (Gemini CLI's node wrapper
  // and its child did) would outlive its session, so what is left of each pane's process group
  // after a moment is killed.
  const settle = Date.now() + Math.min(waitMs, 2_000);
  while (pids.some((p) => isAlive(p)) && Date.now() < settle) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  }
  const deadline = Date.now() + waitMs;
  while (pids.some((p) => isAlive(p)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // tmux 3.3 leaves the socket file of a killed server behind; it is ours (a unique name), so tidy it.
  const uid = process.getuid?.();
  if (uid !== undefined) {
    rmSync(join(env.TMUX_TMPDIR || '/tmp', `tmux-${uid}`, socket), { force: true });
  }
  return r.code === 0;
}
