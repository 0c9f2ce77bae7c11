import { join } from 'node:path';

/**
 * The layout of an agent's state dir (`<FLOTILLA_HOME>/agents/<id>/`, 0700), named in one place.
 * Written by the supervisor at launch and by the agent's hook (which knows only FLOTILLA_HOME),
 * read by the daemon (hooks, pane log, token check) and its stream. It lives here, below the
 * supervisor, because the hook side (hook-cli.ts, the Claude Code hook script) needs it too.
 * Adapters' own launch files (Claude Code's settings.json and hook.sh) are theirs: they name them
 * relative to the dir in their LaunchSpec.
 */
export const AGENT_FILES = {
  /** Hook events, one JSON line each, appended by the agent's hook; the daemon tails it. */
  events: 'events.jsonl',
  /** Left by a hook that could not write its event whole (a full disk). */
  writeFailed: 'hook-write-failed',
  /** What a hook could not do, when even that can be written. */
  hookErrors: 'hook-errors.log',
  /** Everything the agent's pane printed (tmux pipe-pane); a rotation keeps its newest cut part beside it. */
  paneLog: 'pane.log',
  /** The task's prompt, for agents that read it from a file or stdin. */
  prompt: 'prompt.txt',
  /** The agent's environment, read by its launcher (secrets never go on tmux's command line). */
  launchEnv: 'launch.env',
  /** SHA-256 of the agent's own API token. */
  tokenHash: 'agent-token.sha256',
  /** Permission requests of a headless agent, kept across a daemon restart. */
  permissions: 'permission-requests.json',
  /** Questions an agent asked its user (its `ask_user` tool), kept across a daemon restart. */
  questions: 'questions.json',
  /** Usage totals and a split line of a rotated stream log. */
  streamState: 'stream-state.json',
} as const;

/** One of the files in an agent's dir. */
export type AgentFile = keyof typeof AGENT_FILES;

/** The agent's state dir, under the state dir's `agents/` (StatePaths.agentsDir). */
export function agentDir(agentsDir: string, agentId: string): string {
  return join(agentsDir, agentId);
}

/** A file of the agent's state dir. */
export function agentFile(agentsDir: string, agentId: string, file: AgentFile): string {
  return join(agentsDir, agentId, AGENT_FILES[file]);
}

/** The agent's state dir from FLOTILLA_HOME alone (the hook side has nothing else). */
export function agentDirInHome(home: string, agentId: string): string {
  return agentDir(join(home, 'agents'), agentId);
}

/** One of an agent's files, from the state dir (what a hook knows: FLOTILLA_HOME). */
export function agentFileInHome(home: string, agentId: string, file: AgentFile): string {
  return join(agentDirInHome(home, agentId), AGENT_FILES[file]);
}
