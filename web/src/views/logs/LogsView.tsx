/**
 * The logs (`/logs?source=daemon|<agentId>&view=…`): the daemon's own log, or one agent's —
 * by default its conversation (prompts, replies, tool calls and results, turn ends), with its
 * terminal (rendered as the lines that were on screen) and its raw output lines as toggles.
 * Line logs come as the last lines first, then live; filtering, search and following work on up
 * to 100,000 lines held in memory; only the rows on screen are rendered.
 */
import { type ReactNode, useDeferredValue, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'wouter';
import { ApiError } from '../../api/client.js';
import { useAgents } from '../../api/queries.js';
import { ErrorState } from '../../components/ErrorState.js';
import { ConversationView } from '../conversation/ConversationView.js';
import { RawTerminalView } from '../conversation/RawTerminalView.js';
import { downloadText, logFileName, logText } from './download.js';
import { LogList } from './LogList.js';
import { LogToolbar, type SourceOption } from './LogToolbar.js';
import { FilteredView, type LogFilter } from './logFilter.js';
import { DAEMON_SOURCE, type LogLevel, MAX_LINES } from './logTypes.js';
import { useLogFeed } from './useLogFeed.js';
import './LogsView.css';

/** How an agent's log is shown: its conversation, its terminal as rendered text, or its output lines. */
export type AgentLogView = 'conversation' | 'terminal' | 'lines';
const AGENT_VIEWS: readonly { value: AgentLogView; label: string }[] = [
  { value: 'conversation', label: 'Conversation' },
  { value: 'terminal', label: 'Terminal' },
  { value: 'lines', label: 'Output lines' },
];

function sourceOptions(agents: ReturnType<typeof useAgents>, source: string): SourceOption[] {
  const sources: SourceOption[] = [{ value: DAEMON_SOURCE, label: 'Daemon' }];
  for (const a of agents.data ?? [])
    sources.push({ value: a.id, label: `${a.taskTitle ?? 'Agent'} (${a.id})` });
  if (!sources.some((s) => s.value === source)) sources.push({ value: source, label: source });
  return sources;
}

/** Conversation | Terminal | Output lines, for an agent's log. */
function ViewToggle({ view, onView }: { view: AgentLogView; onView: (v: AgentLogView) => void }) {
  return (
    <fieldset className="log-view-toggle">
      <legend className="visually-hidden">Show</legend>
      {AGENT_VIEWS.map((v) => (
        <label key={v.value} className={view === v.value ? 'active' : undefined}>
          <input
            type="radio"
            name="log-view"
            value={v.value}
            checked={view === v.value}
            onChange={() => onView(v.value)}
          />
          {v.label}
        </label>
      ))}
    </fieldset>
  );
}

export function LogsView() {
  const [params, setParams] = useSearchParams();
  const source = params.get('source') || DAEMON_SOURCE;
  const raw = params.get('view');
  const view: AgentLogView = raw === 'terminal' || raw === 'lines' ? raw : 'conversation';
  const agents = useAgents();
  const show = (next: { source: string; view: AgentLogView }) =>
    setParams(next.view === 'conversation' ? { source: next.source } : next);
  if (source === DAEMON_SOURCE || view === 'lines') {
    return <LineLogsView onView={(v) => show({ source, view: v })} />;
  }
  const sources = sourceOptions(agents, source);
  return (
    <div className="logs-view">
      <h1>Logs</h1>
      <div className="log-toolbar">
        <div className="log-field">
          <label htmlFor="log-source">Source</label>
          <select id="log-source" value={source} onChange={(e) => show({ source: e.target.value, view })}>
            {sources.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <ViewToggle view={view} onView={(v) => show({ source, view: v })} />
      </div>
      {view === 'conversation' ? <ConversationView agentId={source} /> : <RawTerminalView agentId={source} />}
    </div>
  );
}

/** The line log of a source (the daemon's, or an agent's output lines). */
function LineLogsView({ onView }: { onView: (v: AgentLogView) => void }) {
  const [params, setParams] = useSearchParams();
  const source = params.get('source') || DAEMON_SOURCE;
  const isDaemon = source === DAEMON_SOURCE;
  const agents = useAgents();
  const feed = useLogFeed(source);

  const [searchInput, setSearchInput] = useState('');
  // Typing stays responsive: the 100,000-line refilter runs at lower priority than the input.
  const search = useDeferredValue(searchInput);
  const [minLevel, setMinLevel] = useState<LogLevel>('trace');
  const [agentId, setAgentId] = useState<string | null>(null);
  const [wrap, setWrap] = useState(false);
  const [follow, setFollow] = useState(true);

  // A new source starts fresh: following, no agent filter.
  useEffect(() => {
    void source;
    setFollow(true);
    setAgentId(null);
  }, [source]);

  const filter: LogFilter = { minLevel, search, agentId: isDaemon ? agentId : null };
  const view = useRef(new FilteredView());
  // Incremental: only lines added since the last render are tested (all of them on a new filter).
  const indices = view.current.update(feed.buffer, filter);
  const matchedTotal = view.current.matchedTotal;
  // "N new" counts lines that matched since the pause (or since the filter last changed).
  const filterKey = JSON.stringify(filter);
  const pauseBase = useRef({ key: filterKey, at: 0 });
  if (pauseBase.current.key !== filterKey) pauseBase.current = { key: filterKey, at: matchedTotal };
  const newSincePause = follow ? 0 : Math.max(0, matchedTotal - pauseBase.current.at);

  const changeFollow = (next: boolean) => {
    if (!next) pauseBase.current = { key: filterKey, at: view.current.matchedTotal };
    setFollow(next);
  };

  const sources = sourceOptions(agents, source);

  const buffer = feed.buffer;
  const held = buffer.lines.length;
  let body: ReactNode;
  if (feed.state.status === 'error') {
    const e = feed.state.error;
    const unknown = e instanceof ApiError && e.status === 404;
    body = (
      <ErrorState
        title={unknown ? `Unknown log source "${source}"` : 'Cannot load the log'}
        error={e}
        onRetry={feed.retry}
      />
    );
  } else if (feed.state.status === 'loading') {
    body = (
      <p className="muted" aria-busy="true">
        Loading the log…
      </p>
    );
  } else {
    body = (
      <>
        <LogList
          buffer={buffer}
          indices={indices}
          version={feed.version}
          search={search}
          wrap={wrap}
          showTime={isDaemon}
          showAgent={isDaemon}
          follow={follow}
          onFollowChange={changeFollow}
        />
        {held === 0 ? (
          <p className="log-empty muted">
            {buffer.base > 0 ? 'View cleared; new lines will appear here.' : 'No log lines yet'}
          </p>
        ) : indices.length === 0 ? (
          <p className="log-empty muted">No lines match the filters.</p>
        ) : null}
      </>
    );
  }

  return (
    <div className="logs-view">
      <h1>Logs</h1>
      <LogToolbar
        source={source}
        sources={sources}
        onSource={(s) => setParams({ source: s })}
        search={searchInput}
        onSearch={setSearchInput}
        matches={search ? indices.length : null}
        minLevel={minLevel}
        onMinLevel={setMinLevel}
        agentIds={isDaemon ? [...buffer.agentIds].sort() : null}
        agentId={agentId}
        onAgentId={setAgentId}
        wrap={wrap}
        onWrap={setWrap}
        follow={follow}
        onFollow={changeFollow}
        onDownload={() => downloadText(logFileName(source), logText(buffer, indices))}
        onClear={feed.clear}
        canDownload={indices.length > 0}
      />
      {!isDaemon && <ViewToggle view="lines" onView={onView} />}
      <div className="log-status">
        <span className="muted" data-testid="log-count">
          {indices.length.toLocaleString()} of {held.toLocaleString()} lines
        </span>
        {!follow && (
          <button type="button" className="log-jump" onClick={() => changeFollow(true)}>
            Jump to latest ({newSincePause.toLocaleString()} new)
          </button>
        )}
        {buffer.droppedOld > 0 && (
          <span className="log-note" data-testid="log-dropped">
            Only the newest {MAX_LINES.toLocaleString()} lines are kept: {buffer.droppedOld.toLocaleString()}{' '}
            older lines were dropped from this view.
          </span>
        )}
        {buffer.skippedByServer > 0 && (
          <span className="log-note">
            {buffer.skippedByServer.toLocaleString()} lines were skipped by the daemon because this page read
            too slowly.
          </span>
        )}
      </div>
      {body}
    </div>
  );
}
