import { WAITING_AGENT_STATUSES } from '../../../src/domain/values.js';
import type { AgentStatus, TaskStatus } from '../api/types.js';

const WORDS: Record<string, string> = {
  needs_permission: 'needs permission',
  needs_input: 'needs input',
  rate_limited: 'rate limited',
  in_progress: 'in progress',
};

/** A status as a coloured pill; the colour is never the only cue (the word is always there). */
export function StatusBadge({ status }: { status: AgentStatus | TaskStatus }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      {WORDS[status] ?? status}
    </span>
  );
}

/** Statuses where an agent waits for the user: these must stand out everywhere. */
export const ATTENTION: readonly string[] = WAITING_AGENT_STATUSES;
