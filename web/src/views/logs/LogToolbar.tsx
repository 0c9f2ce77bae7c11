import { LOG_LEVELS, type LogLevel } from './logTypes.js';

export interface SourceOption {
  value: string;
  label: string;
}

/** The controls above the lines: source, search, filters, follow, download, clear. */
export function LogToolbar(props: {
  source: string;
  sources: readonly SourceOption[];
  onSource: (source: string) => void;
  search: string;
  onSearch: (search: string) => void;
  matches: number | null;
  minLevel: LogLevel;
  onMinLevel: (level: LogLevel) => void;
  agentIds: readonly string[] | null;
  agentId: string | null;
  onAgentId: (id: string | null) => void;
  wrap: boolean;
  onWrap: (wrap: boolean) => void;
  follow: boolean;
  onFollow: (follow: boolean) => void;
  onDownload: () => void;
  onClear: () => void;
  canDownload: boolean;
}) {
  return (
    <div className="log-toolbar">
      <div className="log-field">
        <label htmlFor="log-source">Source</label>
        <select id="log-source" value={props.source} onChange={(e) => props.onSource(e.target.value)}>
          {props.sources.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="log-field log-search">
        <label htmlFor="log-search">Search</label>
        <input
          id="log-search"
          type="search"
          value={props.search}
          placeholder="text in the message"
          onChange={(e) => props.onSearch(e.target.value)}
        />
        {props.matches !== null && (
          <output htmlFor="log-search" className="log-matches" data-testid="log-matches">
            {props.matches.toLocaleString()} {props.matches === 1 ? 'match' : 'matches'}
          </output>
        )}
      </div>
      <div className="log-field">
        <label htmlFor="log-level">Minimum level</label>
        <select
          id="log-level"
          value={props.minLevel}
          onChange={(e) => props.onMinLevel(e.target.value as LogLevel)}
        >
          {LOG_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </div>
      {props.agentIds && (
        <div className="log-field">
          <label htmlFor="log-agent">Agent</label>
          <select
            id="log-agent"
            value={props.agentId ?? ''}
            onChange={(e) => props.onAgentId(e.target.value || null)}
          >
            <option value="">All agents</option>
            {props.agentIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="log-field log-check">
        <input
          id="log-wrap"
          type="checkbox"
          checked={props.wrap}
          onChange={(e) => props.onWrap(e.target.checked)}
        />
        <label htmlFor="log-wrap">Wrap lines</label>
      </div>
      <div className="log-actions">
        <button type="button" onClick={() => props.onFollow(!props.follow)}>
          {props.follow ? 'Pause' : 'Follow'}
        </button>
        <button type="button" onClick={props.onDownload} disabled={!props.canDownload}>
          Download
        </button>
        <button type="button" onClick={props.onClear}>
          Clear view
        </button>
      </div>
    </div>
  );
}
