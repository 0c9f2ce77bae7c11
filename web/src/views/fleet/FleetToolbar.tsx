/**
 * Above the grid: the title, counts by status ("2 need you · 3 working · 1 idle"), a filter box,
 * whether to list finished agents, "Start ready tasks", and the bulk "Stop all" / "Remove finished".
 */
import { Fragment, useEffect, useId, useState } from 'react';
import type { AgentView } from '../../api/types.js';
import { BulkActions } from './BulkActions.js';
import { summarize } from './order.js';
import { StartAll } from './StartAll.js';

const HIDE_KEY = 'flotilla.fleet.hideFinished';
const OPEN_KEY = 'flotilla.fleet.finishedOpen';

/** A boolean choice kept in localStorage, so the page looks the same after a reload. */
function useStoredFlag(key: string): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(
    () => typeof localStorage !== 'undefined' && localStorage.getItem(key) === 'true',
  );
  useEffect(() => {
    if (typeof localStorage === 'undefined') return;
    if (value) localStorage.setItem(key, 'true');
    else localStorage.removeItem(key);
  }, [key, value]);
  return [value, setValue];
}

export interface FleetFilter {
  text: string;
  setText: (text: string) => void;
  hideFinished: boolean;
  setHideFinished: (hide: boolean) => void;
  /** Whether the finished section is unfolded (folded by default: live agents come first). */
  finishedOpen: boolean;
  setFinishedOpen: (open: boolean) => void;
}

/** The filter box and the choices about finished agents; the choices survive a reload. */
export function useFleetFilter(): FleetFilter {
  const [text, setText] = useState('');
  const [hideFinished, setHideFinished] = useStoredFlag(HIDE_KEY);
  const [finishedOpen, setFinishedOpen] = useStoredFlag(OPEN_KEY);
  return { text, setText, hideFinished, setHideFinished, finishedOpen, setFinishedOpen };
}

export function FleetToolbar({ agents, filter }: { agents: readonly AgentView[]; filter: FleetFilter }) {
  const parts = summarize(agents);
  const searchId = useId();
  const hideId = useId();
  return (
    <div className="fleet-toolbar">
      <div className="fleet-heading">
        <h1 className="fleet-title">Fleet</h1>
        <p className="fleet-summary" data-testid="fleet-summary">
          {parts.map((p, i) => (
            <Fragment key={p.key}>
              {i > 0 && (
                <span className="summary-sep" aria-hidden="true">
                  {' · '}
                </span>
              )}
              <span className={`summary-part summary-${p.tone}`}>
                {p.tone === 'attention' && (
                  <span className="attention-icon summary-icon" aria-hidden="true">
                    !
                  </span>
                )}
                {p.count} {p.label}
              </span>
            </Fragment>
          ))}
        </p>
      </div>
      <div className="fleet-controls">
        <label htmlFor={searchId} className="visually-hidden">
          Filter agents
        </label>
        <input
          id={searchId}
          type="search"
          placeholder="Filter by task, branch, id…"
          value={filter.text}
          onChange={(e) => filter.setText(e.currentTarget.value)}
        />
        <span className="fleet-check">
          <input
            id={hideId}
            type="checkbox"
            checked={filter.hideFinished}
            onChange={(e) => filter.setHideFinished(e.currentTarget.checked)}
          />
          <label htmlFor={hideId}>Hide finished agents</label>
        </span>
        <StartAll />
        <BulkActions agents={agents} />
      </div>
    </div>
  );
}
