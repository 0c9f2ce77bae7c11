/** What `flotilla rm` says it did: only what the daemon reports as true. */

export interface RemoveOutcomeLike {
  agent: { id: string };
  worktree: { worktreeRemoved: boolean; errors?: string[] } | null;
  branch?: { name: string; exists: boolean };
}

/** `removed a1b2c3 and its worktree; branch flotilla/… kept` (or: already deleted). */
export function removedText(outcome: RemoveOutcomeLike, worktreeAsked: boolean): string {
  let text = `removed ${outcome.agent.id}`;
  if (worktreeAsked) {
    const wt = outcome.worktree;
    if (wt === null) text += ' (it had no worktree on record)';
    else if (wt.worktreeRemoved) text += ' and its worktree';
    else text += ` but not its worktree (${(wt.errors ?? []).join('; ') || 'git refused'})`;
  }
  const b = outcome.branch;
  if (b) {
    text += b.exists
      ? `; branch ${b.name} kept`
      : `; branch ${b.name} no longer exists (it was deleted before this command)`;
  }
  return text;
}
