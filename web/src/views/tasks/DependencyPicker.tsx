import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { Task } from '../../api/types.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { compareTasks } from './board-model.js';

/** More checkboxes than this make the list useless; the search narrows it instead. */
const SHOWN = 50;

/**
 * Picks the tasks a task waits for: a title search over checkboxes. The chosen ones stay on
 * top whatever the search, so unticking one never needs a second search.
 */
export function DependencyPicker({
  tasks,
  selfId,
  value,
  onChange,
}: {
  tasks: readonly Task[];
  /** The task being edited, which cannot depend on itself. */
  selfId: string | null;
  value: readonly string[];
  onChange: (ids: string[]) => void;
}) {
  const id = useId();
  const [search, setSearch] = useState('');
  const needle = useDeferredValue(search.trim().toLocaleLowerCase());
  const byId = useMemo(() => new Map(tasks.map((t) => [t.id, t])), [tasks]);
  const matches = useMemo(
    () =>
      tasks
        .filter(
          (t) =>
            t.id !== selfId &&
            !value.includes(t.id) &&
            (needle === '' || t.title.toLocaleLowerCase().includes(needle) || t.id.startsWith(needle)),
        )
        .sort(compareTasks),
    [tasks, selfId, value, needle],
  );
  const toggle = (taskId: string, on: boolean) =>
    onChange(on ? [...value, taskId] : value.filter((x) => x !== taskId));

  const option = (taskId: string, checked: boolean) => {
    const t = byId.get(taskId);
    return (
      <li key={taskId}>
        <label className="dep-option">
          <input type="checkbox" checked={checked} onChange={(e) => toggle(taskId, e.target.checked)} />
          <span className={t ? undefined : 'mono'}>{t?.title ?? taskId}</span>
          {t && <StatusBadge status={t.status} />}
        </label>
      </li>
    );
  };

  return (
    <fieldset className="dep-picker">
      <legend>Dependencies</legend>
      <p className="muted field-help" id={`${id}-help`}>
        Tasks that must be done before this one starts. {value.length} chosen.
      </p>
      <input
        type="search"
        aria-label="Search tasks to depend on"
        aria-describedby={`${id}-help`}
        placeholder="Search by title or id"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <ul className="dep-options">
        {value.map((taskId) => option(taskId, true))}
        {matches.slice(0, SHOWN).map((t) => option(t.id, false))}
      </ul>
      {matches.length > SHOWN && (
        <p className="muted field-help">
          {matches.length - SHOWN} more match: narrow the search to see them.
        </p>
      )}
      {matches.length === 0 && value.length === 0 && (
        <p className="muted field-help">{needle ? 'No task matches.' : 'There are no other tasks yet.'}</p>
      )}
    </fieldset>
  );
}
