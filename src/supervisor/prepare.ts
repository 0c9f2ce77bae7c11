import { chmodSync, closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { AGENT_FILES, agentDir as agentDirIn } from '../agents/agent-dir.js';
import type { AgentAdapter, AgentEntryConfig, LaunchContext, LaunchSpec } from '../agents/types.js';
import type { AgentMode } from '../domain/agent.js';
import type { Task } from '../domain/task.js';
import { AGENT_TOKEN_VAR, mintAgentToken } from './agent-token.js';
import type { SupervisorContext } from './context.js';
import { ENV_FILE_VAR, writeEnvFile } from './env-file.js';
import { launcherCommand, resolveAgentCommand } from './launcher.js';

/**
 * Turning an adapter's LaunchSpec into what tmux runs: the per-agent files written (0600), the
 * command resolved on PATH, the launcher that delivers the prompt without a shell ever seeing
 * it, and the environment every agent gets. Shared by the first start and every restart.
 */

/** What one launch needs to know. */
export interface LaunchInput {
  agentId: string;
  /** The config entry name (`agents.<name>`). */
  name: string;
  entry: AgentEntryConfig;
  adapter: AgentAdapter;
  task: Pick<Task, 'id' | 'title' | 'prompt'>;
  worktreePath: string;
  mode: AgentMode;
  sessionId: string | null;
  portBase: number;
  /** Continue the earlier conversation (restart) rather than start the task. */
  resume: boolean;
  /** resume only: a message for the agent once its conversation is loaded. */
  resumePrompt?: string;
}

/** A launch ready for tmux. */
export interface PreparedLaunch {
  argv: string[];
  /** What tmux passes (`-e`): only the env file's path; the agent's variables are in the file. */
  env: Record<string, string>;
  agentDir: string;
  logFile: string;
  /** A prompt to type once the agent is ready (`promptVia: 'send-keys'`), else null. */
  pendingPrompt: string | null;
  /** The earlier conversation is continued (false: a first launch, or a resume that fell back to one). */
  resumed: boolean;
}

/** Creates the agent's state dir (0700) and its events file (0600) so both exist before launch. */
export function makeAgentDir(ctx: Pick<SupervisorContext, 'paths'>, agentId: string): string {
  const dir = agentDirIn(ctx.paths.agentsDir, agentId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  closeSync(openSync(join(dir, AGENT_FILES.events), 'a', 0o600));
  return dir;
}

function writePrivate(path: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode });
  // writeFile keeps the mode of an existing file; a settings file must never be readable by others.
  chmodSync(path, mode);
}

/** What preparing a launch reads of the supervisor. */
export type LaunchDeps = Pick<
  SupervisorContext,
  'paths' | 'config' | 'env' | 'hookArgv' | 'daemonUrl' | 'buildPrompt'
>;

export function prepareLaunch(ctx: LaunchDeps, input: LaunchInput): PreparedLaunch {
  const agentDir = makeAgentDir(ctx, input.agentId);
  const { entry, adapter } = input;
  const promptText = ctx.buildPrompt(input.task, entry);
  const home = entry.env.HOME ?? ctx.env.HOME ?? homedir();
  const lctx: LaunchContext = {
    agentId: input.agentId,
    task: input.task,
    promptText,
    worktreePath: input.worktreePath,
    mode: input.mode,
    sessionId: input.sessionId,
    agentDir,
    hookArgv: ctx.hookArgv,
    config: entry,
    home,
    ...(input.resume && input.resumePrompt !== undefined ? { resumePrompt: input.resumePrompt } : {}),
  };
  // A custom command's "resume" runs it again: a fresh start, not a resume. Agents that pick
  // their own session id (codex) resume once that id has been captured.
  let resumed = input.resume && (adapter.resumable || input.sessionId !== null);
  let spec: LaunchSpec;
  if (!input.resume) spec = adapter.launch(lctx);
  else {
    try {
      spec = adapter.resume(lctx);
    } catch (err) {
      // An agent that picks its own session id and never showed it cannot resume: start the
      // task afresh in the same worktree (its work so far is there) rather than not at all.
      if (input.sessionId !== null) throw err;
      const { resumePrompt: _unused, ...fresh } = lctx;
      spec = adapter.launch(fresh);
      resumed = false;
    }
  }
  const text = resumed ? (input.resumePrompt ?? promptText) : promptText;

  const inDir = (p: string) => (isAbsolute(p) ? p : join(agentDir, p));
  for (const file of spec.files) writePrivate(inDir(file.path), file.content, file.mode ?? 0o600);
  let promptFile: string | null = spec.promptFile ? inDir(spec.promptFile) : null;
  if (spec.promptVia === 'file-arg' || spec.promptVia === 'stdin') {
    promptFile ??= join(agentDir, AGENT_FILES.prompt);
    if (!spec.files.some((f) => inDir(f.path) === promptFile)) writePrivate(promptFile, text);
  }

  const path = spec.env.PATH ?? entry.env.PATH ?? ctx.env.PATH;
  const [command, ...args] = spec.argv;
  const resolved = resolveAgentCommand(command ?? '', input.name, entry.adapter, path, input.worktreePath);
  const launcher = launcherCommand(spec, [resolved, ...args], promptFile, true);
  const portCount = ctx.config.worktrees.port_block_size;
  const env: Record<string, string> = {
    ...(path === undefined ? {} : { PATH: path }),
    ...entry.env,
    ...spec.env,
    ...launcher.env,
    FLOTILLA_AGENT_ID: input.agentId,
    FLOTILLA_HOME: ctx.paths.home,
    FLOTILLA_TASK_ID: input.task.id,
    PORT: String(input.portBase),
    FLOTILLA_PORT_BASE: String(input.portBase),
    FLOTILLA_PORT_COUNT: String(portCount),
    ...(ctx.daemonUrl ? { FLOTILLA_DAEMON_URL: ctx.daemonUrl } : {}),
    // Its hook's credential, good for nothing but this agent's own hook pokes (agent-token.ts).
    [AGENT_TOKEN_VAR]: mintAgentToken(agentDir, input.agentId),
  };
  // Secrets never go on tmux's command line (readable by every user in /proc): see env-file.ts.
  const envFile = join(agentDir, AGENT_FILES.launchEnv);
  writeEnvFile(envFile, env);
  return {
    argv: launcher.argv,
    env: { [ENV_FILE_VAR]: envFile },
    agentDir,
    logFile: join(agentDir, AGENT_FILES.paneLog),
    pendingPrompt:
      spec.promptVia !== 'send-keys' ? null : resumed ? (input.resumePrompt ?? null) : promptText,
    resumed,
  };
}
