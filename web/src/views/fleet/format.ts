/** Figures as a card shows them: short, and honest about what is not known. */

/** "12% CPU"; "— CPU" when there is no figure (not measured yet, or not running). */
export function formatCpu(percent: number | null): string {
  if (percent === null) return '— CPU';
  return `${percent < 10 ? percent.toFixed(1).replace(/\.0$/, '') : Math.round(percent)}% CPU`;
}

/** "340 MB", "1.2 GB"; "— MB" when there is no figure. Decimal units, as `ps` users expect. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '— MB';
  if (bytes < 1e6) return `${Math.max(0, Math.round(bytes / 1e3))} kB`;
  if (bytes < 1e9) return `${Math.round(bytes / 1e6)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/** What `flotilla attach` runs underneath, for the curious (and for hosts without the CLI). */
export function tmuxAttachCommand(socket: string, session: string): string {
  return `tmux -L ${socket} attach -t =${session}`;
}

/** The command a user types to watch or talk to an agent in their terminal. */
export function attachCommand(agentId: string): string {
  return `flotilla attach ${agentId}`;
}

/** The name a person would use for an agent: its task's title, or its id. */
export function agentName(agent: { id: string; taskTitle: string | null }): string {
  return agent.taskTitle ? `${agent.id} (${agent.taskTitle})` : agent.id;
}
