/**
 * The shell: the sign-in gate, the header (navigation, connection state, theme) and the routes.
 * Views are lazy chunks so the fleet view, the first thing anyone opens, loads without xterm
 * or the board's drag-and-drop code.
 */
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { ApiError, api, onUnauthenticated } from './api/client.js';
import { AttentionWatcher } from './attention/AttentionWatcher.js';
import { NotifyToggle } from './attention/NotifyToggle.js';
import { ConnectionBadge } from './components/ConnectionBadge.js';
import { ErrorState } from './components/ErrorState.js';
import { ReviewCount } from './components/ReviewLink.js';
import { ThemeToggle } from './components/ThemeToggle.js';
import { StreamProvider } from './stream/context.js';
import { FleetView } from './views/fleet/FleetView.js';
import { SignIn } from './views/SignIn.js';
import { TaskBoardRoute } from './views/tasks/TaskBoardRoute.js';

const AgentPage = lazy(() => import('./views/agent/AgentPage.js').then((m) => ({ default: m.AgentPage })));
const LogsView = lazy(() => import('./views/logs/LogsView.js').then((m) => ({ default: m.LogsView })));
const ReviewList = lazy(() =>
  import('./views/review/ReviewList.js').then((m) => ({ default: m.ReviewList })),
);
const ReviewPage = lazy(() =>
  import('./views/review/ReviewPage.js').then((m) => ({ default: m.ReviewPage })),
);

const NAV = [
  { href: '/', label: 'Fleet' },
  { href: '/tasks', label: 'Tasks' },
  { href: '/review', label: 'Review' },
  { href: '/logs', label: 'Logs' },
] as const;

export function App() {
  const [signedOut, setSignedOut] = useState(false);
  useEffect(() => onUnauthenticated(() => setSignedOut(true)), []);
  const version = useQuery({
    queryKey: ['version'],
    queryFn: () => api<{ version: string }>('/version'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const unauthenticated = signedOut || (version.error instanceof ApiError && version.error.unauthenticated);
  if (unauthenticated) return <SignIn />;
  if (version.isPending) return <div className="boot" aria-busy="true" />;
  if (version.error)
    return (
      <ErrorState
        title="Cannot reach the Flotilla daemon"
        error={version.error}
        onRetry={() => version.refetch()}
      />
    );
  return (
    <StreamProvider>
      <Shell version={version.data.version} />
    </StreamProvider>
  );
}

function Shell({ version }: { version: string }) {
  const [location] = useLocation();
  return (
    <div className="shell">
      <AttentionWatcher />
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand" title={`Flotilla ${version}`}>
          {/* Drawn, not an emoji: machines without an emoji font show an empty box. */}
          <svg className="brand-mark" viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
            <path d="M8 1 L8 11 L2 11 Z M9 3 L14 11 L9 11 Z M1 12.5 H15 L13 15 H3 Z" fill="currentColor" />
          </svg>
          Flotilla
        </span>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV.map((n) => {
              const current =
                n.href === '/'
                  ? location === '/' || location.startsWith('/agents')
                  : location.startsWith(n.href);
              return (
                <li key={n.href}>
                  <Link href={n.href} aria-current={current ? 'page' : undefined}>
                    {n.label}
                    {n.href === '/review' && <ReviewCount />}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="topbar-end">
          <ConnectionBadge />
          <NotifyToggle />
          <ThemeToggle />
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Suspense
          fallback={
            <p className="muted" aria-busy="true">
              Loading…
            </p>
          }
        >
          <Switch>
            <Route path="/" component={FleetView} />
            <Route path="/tasks" component={TaskBoardRoute} />
            <Route path="/logs" component={LogsView} />
            <Route path="/review" component={ReviewList} />
            <Route path="/review/:taskId">{(params) => <ReviewPage taskId={params.taskId} />}</Route>
            <Route path="/agents/:id">{(params) => <AgentPage id={params.id} />}</Route>
            <Route>
              <section className="empty">
                <h1>Nothing here</h1>
                <p>
                  This page does not exist. <Link href="/">Back to the fleet</Link>.
                </p>
              </section>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </div>
  );
}
