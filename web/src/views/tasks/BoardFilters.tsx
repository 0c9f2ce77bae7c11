import { useId } from 'react';
import { TASK_PRIORITIES } from '../../../../src/domain/values.js';
import type { TaskPriority } from '../../api/types.js';
import { type BoardFilters as Filters, isFiltering } from './useBoardFilters.js';

/**
 * The filter bar above the board: a label, any set of priorities, a title search, and the
 * cancelled toggle. Native controls only, so each is reachable and operable by keyboard and
 * announced with its label.
 */
export function BoardFilters({
  filters,
  labels,
  cancelledCount,
  onChange,
}: {
  filters: Filters;
  /** Every label in use, sorted. */
  labels: readonly string[];
  cancelledCount: number;
  onChange: (patch: Partial<Filters>) => void;
}) {
  const id = useId();
  const togglePriority = (p: TaskPriority, on: boolean) =>
    onChange({
      priorities: TASK_PRIORITIES.filter((x) => (x === p ? on : filters.priorities.includes(x))),
    });
  // A label from the URL that no task carries any more must still be shown (and clearable).
  const labelOptions = filters.label && !labels.includes(filters.label) ? [filters.label, ...labels] : labels;
  return (
    <search className="board-filters" aria-label="Filter tasks">
      <div className="field-inline">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="Title or id"
          value={filters.query}
          onChange={(e) => onChange({ query: e.target.value })}
        />
      </div>
      <div className="field-inline">
        <label htmlFor={`${id}-label`}>Label</label>
        <select
          id={`${id}-label`}
          value={filters.label}
          onChange={(e) => onChange({ label: e.target.value })}
        >
          <option value="">Any label</option>
          {labelOptions.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="priority-filter">
        <legend>Priority</legend>
        {TASK_PRIORITIES.map((p) => (
          <label key={p} className={`toggle-chip prio-${p}`}>
            <input
              type="checkbox"
              checked={filters.priorities.includes(p)}
              onChange={(e) => togglePriority(p, e.target.checked)}
            />
            {p}
          </label>
        ))}
      </fieldset>
      <label className="toggle-chip">
        <input
          type="checkbox"
          checked={filters.showCancelled}
          onChange={(e) => onChange({ showCancelled: e.target.checked })}
        />
        Show cancelled ({cancelledCount})
      </label>
      {isFiltering(filters) && (
        <button
          type="button"
          className="link-button"
          onClick={() => onChange({ label: '', priorities: [], query: '' })}
        >
          Clear filters
        </button>
      )}
    </search>
  );
}
