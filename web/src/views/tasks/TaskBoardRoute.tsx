/**
 * The board as the router mounts it, and what a page opened on the board asks for at once.
 *
 * The board is a lazy chunk. Opened at /tasks, its first render used to wait for three round
 * trips in a row (/version, then the chunk, then the task list, asked for only once the board
 * had mounted) and for React's Suspense throttle: a boundary whose fallback just showed reveals
 * its content at most every 300 ms, and lazy() suspends once even for code already loaded.
 * So main.tsx calls preloadTaskBoard beside /version, and the route loads the chunk itself
 * (not through lazy() and Suspense): the board renders the moment both code and data are here.
 */
import type { QueryClient } from '@tanstack/react-query';
import { type ComponentType, useEffect, useState } from 'react';
import { reposQuery, tasksQuery } from '../../api/queries.js';

let loaded: ComponentType | undefined;
let loading: Promise<ComponentType> | undefined;
function load(): Promise<ComponentType> {
  loading ??= import('./TaskBoard.js').then(
    (m) => (loaded = m.TaskBoard),
    (error: unknown) => {
      loading = undefined; // the next visit tries again
      throw error;
    },
  );
  return loading;
}

/** The `/tasks` route: "Loading…" (as the shell's Suspense fallback says) until the code is here. */
export function TaskBoardRoute() {
  const [board, setBoard] = useState<{ Board?: ComponentType; error?: unknown }>(() => ({ Board: loaded }));
  useEffect(() => {
    if (board.Board) return;
    let live = true;
    load().then(
      (Board) => live && setBoard({ Board }),
      (error: unknown) => live && setBoard({ error }),
    );
    return () => {
      live = false;
    };
  }, [board.Board]);
  // A chunk that cannot load fails the page as a lazy() view's would.
  if (board.error) throw board.error;
  const { Board } = board;
  return Board ? (
    <Board />
  ) : (
    <p className="muted" aria-busy="true">
      Loading…
    </p>
  );
}

/** Fetches the board's code and lists now, for a page that opens on the board. */
export function preloadTaskBoard(client: QueryClient): void {
  // A failed load is tried again, and reported, when the route renders.
  load().catch(() => {});
  void client.prefetchQuery(tasksQuery);
  void client.prefetchQuery(reposQuery);
}
