import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { ApiError } from './api/client.js';
import { preloadTaskBoard } from './views/tasks/TaskBoardRoute.js';
import './styles/theme.css';
import './styles/layout.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Events keep the cache fresh; refetching on focus would only add load.
      refetchOnWindowFocus: false,
      staleTime: 30_000,
      // A refused call (4xx) will be refused again: show it instead of retrying.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

// Opened on the board: its code and tasks are fetched beside /version, not after it.
if (window.location.pathname.startsWith('/tasks')) preloadTaskBoard(queryClient);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
