/**
 * Attaching the user's terminal to an agent's tmux session (`flotilla attach`, `a` in `top`):
 * the CLI's one use of tmux, through core. The session is named by the agent's view, which the
 * CLI got from the daemon.
 */
import { detachHintFor, TmuxServer } from '../tmux/index.js';

/** An agent's tmux session, as its view names it. */
export interface AgentSession {
  tmuxSocket: string;
  tmuxSession: string;
}

/** The argv that attaches this terminal to the session (inside tmux: a new window of the user's tmux). */
export function attachArgv(agent: AgentSession, env: NodeJS.ProcessEnv): string[] {
  return new TmuxServer({ socketName: agent.tmuxSocket }).attachArgv(agent.tmuxSession, {
    insideTmux: Boolean(env.TMUX),
    ...(env.TMUX ? { currentTmux: env.TMUX } : {}),
  });
}

/**
 * How to detach again, in words. The keys are read from the servers: Flotilla's prefix
 * (tmux.config may change it) and, inside tmux, the user's — the same key pressed once would
 * detach the user's own tmux.
 */
export function detachHint(agent: AgentSession, env: NodeJS.ProcessEnv): Promise<string> {
  return detachHintFor(new TmuxServer({ socketName: agent.tmuxSocket }).client, env);
}
