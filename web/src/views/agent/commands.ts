/**
 * The shell commands the agent page offers to copy: how to reach the agent's conversation or
 * terminal from a shell of one's own. Paths are quoted because worktrees may live anywhere.
 */
import type { AgentView } from '../../api/types.js';

/** Quotes a word for a POSIX shell, leaving plain words as they are (easier to read). */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `flotilla attach <id>`: the tmux session, through Flotilla's own socket. */
export function attachCommand(agent: Pick<AgentView, 'id'>): string {
  return `flotilla attach ${agent.id}`;
}

/** Plain tmux, for a machine without the flotilla CLI on PATH. */
export function tmuxAttachCommand(agent: Pick<AgentView, 'tmuxSession' | 'tmuxSocket'>): string {
  return `tmux -L ${shellQuote(agent.tmuxSocket)} attach -t ${shellQuote(agent.tmuxSession)}`;
}

/**
 * Resumes the exact conversation outside Flotilla (in the worktree, since Claude Code keys its
 * sessions by folder). Null when the adapter has no resume-by-id or no session id was recorded.
 */
export function resumeCommand(agent: Pick<AgentView, 'kind' | 'sessionId' | 'worktreePath'>): string | null {
  if (!agent.sessionId) return null;
  // By kind, not by name: an entry called `claude-auto` may well be a claude-code agent.
  if (agent.kind !== 'claude-code') return null;
  return `cd ${shellQuote(agent.worktreePath)} && claude --resume ${shellQuote(agent.sessionId)}`;
}
