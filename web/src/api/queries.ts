/**
 * Server state through TanStack Query: one query key per resource, and the mutations views use.
 * Live updates come from the stream (stream/sync.ts), which patches or invalidates these keys;
 * the slow refetch intervals only refresh figures (CPU/RSS) that no event carries.
 */
import { type QueryClient, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, qs } from './client.js';
import { mergeAgentLists, newerStatus } from './freshness.js';
import type {
  AgentList,
  AgentRemoveResult,
  AgentView,
  ConfigView,
  EventList,
  Limits,
  RepoList,
  Task,
  TaskCreateBody,
  TaskList,
  TaskPatch,
  TaskStatus,
  UpResult,
  WorktreeDiff,
} from './types.js';

export const keys = {
  agents: ['agents'] as const,
  tasks: ['tasks'] as const,
  repos: ['repos'] as const,
  config: ['config'] as const,
  limits: ['limits'] as const,
  events: (filter: Record<string, string>) => ['events', filter] as const,
  diff: (taskId: string) => ['diff', taskId] as const,
};

/** The most tasks the board loads at once (the API's own page limit). */
export const TASK_PAGE = 10_000;

export function useAgents() {
  return useQuery({
    queryKey: keys.agents,
    queryFn: async () => (await api<AgentList>('/agents')).agents,
    // Statuses arrive by event; this only refreshes the CPU/RSS sparklines.
    refetchInterval: 5_000,
    structuralSharing: mergeAgentLists,
  });
}

/** The task list, for useTasks and for a view that asks for it before it mounts (usePrefetchQuery). */
export const tasksQuery = queryOptions({
  queryKey: keys.tasks,
  queryFn: async () => (await api<TaskList>(`/tasks${qs({ limit: TASK_PAGE })}`)).tasks,
});

export function useTasks() {
  return useQuery(tasksQuery);
}

export const reposQuery = queryOptions({
  queryKey: keys.repos,
  queryFn: async () => (await api<RepoList>('/repos')).repos,
});

export function useRepos() {
  return useQuery(reposQuery);
}

export function useConfig() {
  return useQuery({ queryKey: keys.config, queryFn: () => api<ConfigView>('/config'), staleTime: 60_000 });
}

export function useLimits() {
  return useQuery({ queryKey: keys.limits, queryFn: () => api<Limits>('/limits') });
}

/** Whether `server.terminal_input` lets the page type into agents' terminals. */
export function useTerminalInput(): boolean {
  const config = useConfig().data?.config as { server?: { terminal_input?: unknown } } | undefined;
  return config?.server?.terminal_input === true;
}

export function useEvents(filter: Record<string, string>) {
  return useQuery({
    queryKey: keys.events(filter),
    queryFn: async () =>
      (await api<EventList>(`/events${qs({ ...filter, order: 'desc', limit: 500 })}`)).events,
  });
}

export function useDiff(taskId: string, enabled = true) {
  return useQuery({
    queryKey: keys.diff(taskId),
    queryFn: () => api<WorktreeDiff>(`/worktrees/${encodeURIComponent(taskId)}/diff`),
    enabled,
  });
}

/** Replaces one agent in the cached list (or adds it), so a card updates before any refetch. */
export function putAgent(client: QueryClient, agent: AgentView): void {
  client.setQueryData<AgentView[]>(keys.agents, (list) => {
    if (!list) return list;
    const i = list.findIndex((a) => a.id === agent.id);
    if (i === -1) return [...list, agent];
    const next = list.slice();
    next[i] = newerStatus(list[i] as AgentView, agent);
    return next;
  });
}

/** Replaces one task in the cached list (or adds it). */
export function putTask(client: QueryClient, task: Task): void {
  client.setQueryData<Task[]>(keys.tasks, (list) => {
    if (!list) return list;
    const i = list.findIndex((t) => t.id === task.id);
    if (i === -1) return [...list, task];
    const next = list.slice();
    next[i] = task;
    return next;
  });
}

export type AgentAction = 'stop' | 'restart' | 'approve' | 'deny';

export function useAgentAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: AgentAction }) =>
      api<AgentView>(`/agents/${encodeURIComponent(id)}/${action}`, { method: 'POST' }),
    onSuccess: (agent) => putAgent(client, agent),
  });
}

export function useSendToAgent() {
  return useMutation({
    mutationFn: ({ id, text }: { id: string; text: string }) =>
      api<unknown>(`/agents/${encodeURIComponent(id)}/send`, { method: 'POST', body: { text } }),
  });
}

/** Answers the agent's question (its ask_user tool), or sends a waiting agent the text. */
export function useAnswerAgent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, text }: { id: string; text: string }) =>
      api<AgentView & { answered: 'question' | 'message' }>(`/agents/${encodeURIComponent(id)}/answer`, {
        method: 'POST',
        body: { text },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.agents }),
  });
}

export function useRemoveAgent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, force }: { id: string; force?: boolean }) =>
      api<AgentRemoveResult>(
        `/agents/${encodeURIComponent(id)}${qs({ force: force ? 'true' : undefined })}`,
        {
          method: 'DELETE',
        },
      ),
    onSettled: () => client.invalidateQueries({ queryKey: keys.agents }),
  });
}

export function useStartTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ task, agent }: { task: string; agent?: string }) =>
      api<AgentView>('/agents', { method: 'POST', body: agent ? { task, agent } : { task } }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: keys.agents });
      void client.invalidateQueries({ queryKey: keys.tasks });
    },
  });
}

export function useUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { max?: number; repo?: string }) => api<UpResult>('/up', { method: 'POST', body }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.agents }),
  });
}

export function useCreateTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TaskCreateBody) => api<Task>('/tasks', { method: 'POST', body }),
    onSuccess: (task) => putTask(client, task),
  });
}

export function useUpdateTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: TaskPatch }) =>
      api<Task>(`/tasks/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: (task) => putTask(client, task),
  });
}

export function useDeleteTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<unknown>(`/tasks/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.tasks }),
  });
}

/** Moves a task; the card moves at once and goes back if the daemon refuses. */
export function useMoveTask() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: TaskStatus }) =>
      api<Task>(`/tasks/${encodeURIComponent(id)}/move`, { method: 'POST', body: { status } }),
    onMutate: async ({ id, status }) => {
      await client.cancelQueries({ queryKey: keys.tasks });
      const before = client.getQueryData<Task[]>(keys.tasks);
      client.setQueryData<Task[]>(keys.tasks, (list) =>
        list?.map((t) => (t.id === id ? { ...t, status } : t)),
      );
      return { before };
    },
    onError: (_e, _v, context) => {
      if (context?.before) client.setQueryData(keys.tasks, context.before);
    },
    onSuccess: (task) => putTask(client, task),
  });
}
