import type { AgentView } from '../../api/types.js';
import { CopyButton } from '../../components/CopyButton.js';
import { attachCommand, resumeCommand, tmuxAttachCommand } from './commands.js';

interface Row {
  term: string;
  value: string | null;
  copyLabel: string;
  /** Shown instead of the value when there is none, saying why. */
  missing?: string;
}

/** Where the agent lives and how to reach it from a shell: each value with a copy button. */
export function AgentDetails({ agent }: { agent: AgentView }) {
  const resume = resumeCommand(agent);
  const rows: Row[] = [
    { term: 'Worktree', value: agent.worktreePath, copyLabel: 'Copy worktree path' },
    { term: 'Branch', value: agent.branch, copyLabel: 'Copy branch name' },
    {
      term: 'Session id',
      value: agent.sessionId,
      copyLabel: 'Copy session id',
      missing: 'none recorded (this adapter does not resume by id)',
    },
    { term: 'tmux session', value: agent.tmuxSession, copyLabel: 'Copy tmux session name' },
    {
      term: 'Resume command',
      value: resume,
      copyLabel: 'Copy resume command',
      missing:
        agent.kind !== 'claude-code'
          ? `not available for ${agent.kind} agents; attach instead`
          : 'no session id recorded yet; attach instead',
    },
    { term: 'Attach', value: attachCommand(agent), copyLabel: 'Copy attach command' },
    { term: 'Attach with tmux', value: tmuxAttachCommand(agent), copyLabel: 'Copy tmux attach command' },
  ];
  return (
    <dl className="agent-details" data-testid="agent-details">
      {rows.map((r) => (
        <div key={r.term} className="agent-detail">
          <dt>{r.term}</dt>
          <dd>
            {r.value ? (
              <>
                <code className="agent-detail-value">{r.value}</code>
                <CopyButton text={r.value} label={r.copyLabel} compact />
              </>
            ) : (
              <span className="muted">{r.missing ?? 'unknown'}</span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
