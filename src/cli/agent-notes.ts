import type { AgentView } from '../domain/agent-view.js';

/**
 * What an agent's status is about, in one line, for `ps` and `show`: the tool call a waiting
 * permission asks about, the question asked, the last message of a finished turn, or what it is
 * doing. One source for the CLI's wording, so `ps` and `show` say the same thing.
 */
export function agentNote(a: AgentView): string {
  const p = a.pendingPermission;
  if (a.status === 'needs_permission' && p) return `${p.tool}${p.subject === null ? '' : `: ${p.subject}`}`;
  if (a.status === 'idle' && a.lastMessage) return `finished: ${firstLine(a.lastMessage)}`;
  // The agent's own word on what it does (its report_progress tool) beats the last tool call.
  if (a.status === 'working' && a.progress) return `progress: ${a.progress.text}`;
  return firstLine(a.statusDetail ?? a.lastOutput ?? '');
}

/** The commands that answer a waiting agent, named in `ps` and `show`. */
export function answerHint(a: AgentView): string | null {
  if (a.status === 'needs_permission') return `flotilla approve ${a.id}  |  flotilla deny ${a.id} -m "…"`;
  if (a.status === 'needs_input') return `flotilla answer ${a.id} "…"  |  flotilla attach ${a.id}`;
  return null;
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}
