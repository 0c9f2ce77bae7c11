/**
 * The fleet: every agent as a card, the ones waiting for you first. This is the page people
 * leave open all day, so it reads only from the query cache the event stream keeps current
 * (a status change reaches a card without a round-trip) and re-renders only changed cards.
 */
import { useAgents, useRepos } from '../../api/queries.js';
import type { AgentView } from '../../api/types.js';
import { ErrorState } from '../../components/ErrorState.js';
import { FirstRun } from '../FirstRun.js';
import { AgentCard } from './AgentCard.js';
import { AttentionAnnouncer } from './Announcer.js';
import { FleetDialogs, type OpenDialog, useFleetDialogs } from './FleetDialogs.js';
import { FleetEmpty } from './FleetEmpty.js';
import { FleetToolbar, useFleetFilter } from './FleetToolbar.js';
import { matchesFilter, splitFleet } from './order.js';
import { useStableLayout } from './useStableLayout.js';
import './FleetView.css';

export function FleetView() {
  const agents = useAgents();
  return (
    <>
      <AttentionAnnouncer agents={agents.data} />
      <FleetBody agents={agents} />
    </>
  );
}

function FleetBody({ agents }: { agents: ReturnType<typeof useAgents> }) {
  const repos = useRepos();
  if (agents.isPending)
    return (
      <p className="muted" aria-busy="true">
        Loading the fleet…
      </p>
    );
  if (agents.error)
    return <ErrorState title="Cannot load the fleet" error={agents.error} onRetry={() => agents.refetch()} />;
  if (agents.data.length > 0) return <Fleet agents={agents.data} />;
  if (repos.isPending)
    return (
      <p className="muted" aria-busy="true">
        Loading…
      </p>
    );
  if (repos.error)
    return <ErrorState title="Cannot load the repos" error={repos.error} onRetry={() => repos.refetch()} />;
  if (repos.data.length === 0) return <FirstRun />;
  return (
    <>
      <h1 className="fleet-title">Fleet</h1>
      <FleetEmpty />
    </>
  );
}

function Fleet({ agents }: { agents: AgentView[] }) {
  const filter = useFleetFilter();
  const dialogs = useFleetDialogs();
  const shown = filter.text ? agents.filter((a) => matchesFilter(a, filter.text)) : agents;
  const stable = useStableLayout(splitFleet(shown));
  const { live, finished } = stable.layout;
  return (
    // Pointer or focus inside holds the cards' positions (see useStableLayout).
    <div className="fleet" data-order-held={stable.onHold ? 'true' : 'false'} {...stable.handlers}>
      <div className="visually-hidden" aria-live="polite" data-testid="fleet-order-announcer">
        {stable.announcement && <p key={stable.announcement.seq}>{stable.announcement.text}</p>}
      </div>
      <FleetToolbar agents={agents} filter={filter} />
      {shown.length === 0 && <p className="muted">No agent matches “{filter.text}”.</p>}
      {live.length > 0 && (
        <section aria-labelledby="fleet-live-title">
          <h2 id="fleet-live-title" className="visually-hidden">
            Live agents
          </h2>
          <CardGrid agents={live} onDialog={dialogs.open} />
        </section>
      )}
      {live.length === 0 && shown.length > 0 && !filter.text && (
        <p className="muted">No agent is running right now.</p>
      )}
      {finished.length > 0 && !filter.hideFinished && (
        <details
          className="fleet-finished"
          data-testid="fleet-finished"
          open={filter.finishedOpen}
          onToggle={(e) => filter.setFinishedOpen(e.currentTarget.open)}
        >
          <summary>
            <h2>Finished · {finished.length}</h2>
            <span className="muted"> stopped, exited or crashed — restart or remove them</span>
          </summary>
          <CardGrid agents={finished} onDialog={dialogs.open} />
        </details>
      )}
      <FleetDialogs target={dialogs.target} agents={agents} onClose={dialogs.close} />
    </div>
  );
}

function CardGrid({ agents, onDialog }: { agents: AgentView[]; onDialog: OpenDialog }) {
  return (
    <div className="fleet-grid">
      {agents.map((a) => (
        <AgentCard key={a.id} agent={a} onDialog={onDialog} />
      ))}
    </div>
  );
}
