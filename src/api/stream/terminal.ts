/**
 * The terminal channel's access to agents: the pane's screen (tmux capture with escapes), the
 * pane log to follow, and input typed into the pane. Talks to Flotilla's tmux server directly
 * (TmuxServer is stateless), so it works whether or not the supervisor has adopted the agent.
 */
import { agentFile } from '../../agents/agent-dir.js';
import type { StatePaths } from '../../config/paths.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Store } from '../../store/index.js';
import type { PaneScreen, PaneSize, TmuxServer } from '../../tmux/index.js';
import type { TmuxInput } from './terminal-input.js';

/** What the stream needs to show and drive one agent's terminal. */
export interface TerminalBackend {
  /** The agent's id (a prefix is not accepted): its current screen, escapes kept, size, cursor. */
  screen(agentId: string): Promise<PaneScreen>;
  /** The agent pane's size now (a cheap check for whether the screen must be sent again). */
  size(agentId: string): Promise<PaneSize>;
  /** The pane log tmux pipe-pane writes for the agent. */
  logFile(agentId: string): string;
  input(agentId: string, steps: readonly TmuxInput[]): Promise<void>;
}

export function tmuxTerminals(store: Store, tmux: TmuxServer, paths: StatePaths): TerminalBackend {
  const session = async (agentId: string): Promise<string> => {
    const agent = await store.agents.get(agentId);
    if (!agent) throw new NotFoundError('agent', agentId, 'list agents with: flotilla ps');
    return agent.tmuxSession;
  };
  return {
    async screen(agentId) {
      return tmux.captureScreen(await session(agentId));
    },
    async size(agentId) {
      return tmux.paneSize(await session(agentId));
    },
    logFile(agentId) {
      // Callers look the agent up (screen) first.
      return agentFile(paths.agentsDir, agentId, 'paneLog');
    },
    async input(agentId, steps) {
      const name = await session(agentId);
      for (const step of steps) {
        if ('text' in step) await tmux.sendText(name, step.text);
        else await tmux.sendKeys(name, [step.key]);
      }
    },
  };
}
