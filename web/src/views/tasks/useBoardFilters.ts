/**
 * The board's filters live in the URL (`/tasks?label=ui&priority=high&priority=urgent&q=login`)
 * so a reload, a bookmark or a link sent to a colleague shows the same board. Updates replace
 * the history entry: typing a search must not leave one Back step per keystroke.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'wouter';
import { TASK_PRIORITIES } from '../../../../src/domain/values.js';
import type { Task, TaskPriority } from '../../api/types.js';

/** What the board shows. Empty values mean "no filter". */
export interface BoardFilters {
  label: string;
  priorities: TaskPriority[];
  query: string;
  showCancelled: boolean;
}

const isPriority = (s: string): s is TaskPriority => (TASK_PRIORITIES as readonly string[]).includes(s);

/** Reads filters from a query string; `priority` may repeat or be comma separated, as in the API. */
export function readFilters(params: URLSearchParams): BoardFilters {
  const priorities = params
    .getAll('priority')
    .flatMap((p) => p.split(','))
    .filter(isPriority);
  return {
    label: params.get('label') ?? '',
    priorities: TASK_PRIORITIES.filter((p) => priorities.includes(p)),
    query: params.get('q') ?? '',
    showCancelled: params.get('cancelled') === '1',
  };
}

/** The query string for `filters`, leaving out whatever is unset. */
export function writeFilters(filters: BoardFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.label) params.set('label', filters.label);
  for (const p of filters.priorities) params.append('priority', p);
  if (filters.query) params.set('q', filters.query);
  if (filters.showCancelled) params.set('cancelled', '1');
  return params;
}

/** Whether any filter narrows the board (the cancelled toggle widens it, so it does not count). */
export function isFiltering(f: BoardFilters): boolean {
  return f.label !== '' || f.priorities.length > 0 || f.query.trim() !== '';
}

/** A predicate for the filters, built once per change rather than once per card. */
export function taskMatcher(f: BoardFilters): (task: Task) => boolean {
  const needle = f.query.trim().toLocaleLowerCase();
  const priorities = new Set(f.priorities);
  return (task) =>
    (f.label === '' || task.labels.includes(f.label)) &&
    (priorities.size === 0 || priorities.has(task.priority)) &&
    (needle === '' || task.title.toLocaleLowerCase().includes(needle) || task.id.startsWith(needle));
}

export function useBoardFilters(): [BoardFilters, (patch: Partial<BoardFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const update = useCallback(
    (patch: Partial<BoardFilters>) =>
      setParams((prev) => writeFilters({ ...readFilters(prev), ...patch }), { replace: true }),
    [setParams],
  );
  return [filters, update];
}
