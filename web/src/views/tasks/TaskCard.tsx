import { memo, useId } from 'react';
import { Link } from 'wouter';
import type { AgentView, Task, TaskStatus } from '../../api/types.js';
import { InlineError } from '../../components/ErrorState.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import {
  blockersOf,
  COLUMN_NAMES,
  type DependencyView,
  MOVE_TARGETS,
  sameDependencies,
  startActionFor,
} from './board-model.js';
import { DraggableCard } from './DraggableCard.js';

/** A Start call in flight or refused, for one card. */
export interface StartState {
  pending: boolean;
  error: unknown;
}

export interface TaskCardProps {
  task: Task;
  deps: DependencyView[];
  agent: AgentView | undefined;
  start: StartState | undefined;
  onStart: (id: string) => void;
  onMove: (id: string, status: TaskStatus) => void;
  onEdit: (id: string) => void;
}

/** Urgent and high are marked by a symbol and weight as well as colour. */
const PRIORITY_MARK: Record<Task['priority'], string> = { urgent: '‼ ', high: '! ', normal: '', low: '↓ ' };

const depName = (d: DependencyView) => d.title ?? d.id;

/**
 * One task on the board. Memoized with a comparison that looks inside the dependency list, so
 * an event that refetches the task list re-renders only the cards that changed, and cards
 * read everything from props (no query subscription of their own).
 */
export const TaskCard = memo(function TaskCard(props: TaskCardProps) {
  const { task } = props;
  return (
    <DraggableCard id={task.id} title={task.title} status={task.status}>
      <CardBody {...props} />
    </DraggableCard>
  );
}, sameCardProps);

function sameCardProps(a: TaskCardProps, b: TaskCardProps): boolean {
  return (
    a.task === b.task &&
    a.agent === b.agent &&
    a.start === b.start &&
    a.onStart === b.onStart &&
    a.onMove === b.onMove &&
    a.onEdit === b.onEdit &&
    sameDependencies(a.deps, b.deps)
  );
}

function CardBody({ task, deps, agent, start, onStart, onMove, onEdit }: TaskCardProps) {
  const id = useId();
  const blockers = task.status === 'done' || task.status === 'cancelled' ? [] : blockersOf(deps);
  const action = startActionFor(task, agent);
  return (
    <>
      <h3 className="task-title">{task.title}</h3>
      <div className="task-meta">
        <span className={`prio prio-${task.priority}`}>
          <span className="visually-hidden">Priority: </span>
          {PRIORITY_MARK[task.priority]}
          {task.priority}
        </span>
        <span className="mono muted task-id">{task.id}</span>
      </div>
      {task.labels.length > 0 && (
        <ul className="chips" aria-label="Labels">
          {task.labels.map((l) => (
            <li key={l} className="chip">
              {l}
            </li>
          ))}
        </ul>
      )}
      {deps.length > 0 && (
        <ul className="chips" aria-label="Dependencies">
          {deps.map((d) => (
            <li key={d.id} className={d.status === 'done' ? 'chip dep dep-done' : 'chip dep'}>
              after: <span className={d.title ? undefined : 'mono'}>{depName(d)}</span>
              {d.status === 'done' && (
                <>
                  <span aria-hidden="true"> ✓</span>
                  <span className="visually-hidden"> (done)</span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {blockers.length > 0 && (
        <p className="blocked" id={`${id}-blocked`}>
          blocked by {blockers.length}: {blockers.map(depName).join(', ')}
        </p>
      )}
      {agent && (
        <p className="task-agent">
          <StatusBadge status={agent.status} />{' '}
          <Link href={`/agents/${agent.id}`}>
            agent <span className="mono">{agent.id}</span>
          </Link>
        </p>
      )}
      <div className="task-actions">
        {task.status === 'review' && (
          <Link href={`/review/${task.id}`} className="task-review-link" aria-label={`Review ${task.title}`}>
            Review
          </Link>
        )}
        {action && (
          <button
            type="button"
            className="primary"
            disabled={blockers.length > 0 || start?.pending === true}
            aria-describedby={blockers.length > 0 ? `${id}-blocked` : undefined}
            title={blockers.length > 0 ? 'Waits until its dependencies are done' : undefined}
            onClick={() => onStart(task.id)}
          >
            {start?.pending ? `${action}ing…` : action}
          </button>
        )}
        <button type="button" aria-label={`Edit ${task.title}`} onClick={() => onEdit(task.id)}>
          Edit
        </button>
        <select
          className="move-select"
          aria-label={`Move ${task.title} to`}
          value=""
          onChange={(e) => {
            const to = e.target.value as TaskStatus;
            if (to) onMove(task.id, to);
          }}
        >
          <option value="" disabled>
            Move to…
          </option>
          {MOVE_TARGETS.filter((s) => s !== task.status).map((s) => (
            <option key={s} value={s}>
              {COLUMN_NAMES[s]}
            </option>
          ))}
        </select>
      </div>
      {start?.error !== undefined && start.error !== null && <InlineError error={start.error} />}
    </>
  );
}
