/**
 * Review and landing (issue 12): the tasks waiting for review, one task's summary, its landings,
 * and the three ways out (Land, Send back, Discard). The stream (stream/sync.ts) invalidates
 * `review` and `landings` on landing events and task moves, so Land's progress shows live.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, qs } from './client.js';
import { keys as baseKeys, putTask, TASK_PAGE, useStartTask } from './queries.js';
import type { Landing, LandQueued, ReviewSummary, Task, TaskList } from './types.js';

export const reviewKeys = {
  /** Every review query starts with 'review': one invalidation reaches the list and each page. */
  all: ['review'] as const,
  one: (taskId: string) => ['review', taskId] as const,
  landings: (taskId: string) => ['landings', taskId] as const,
};

/**
 * The tasks in `review`, plain (no git work): the nav's count and the fleet's "Review & land"
 * links read it. `GET /review` would answer too, but it reads every branch. Keyed under 'tasks'
 * so every task event (a move into or out of review) refreshes it, as it refreshes the board.
 */
export const inReviewQuery = queryOptions({
  queryKey: [...baseKeys.tasks, 'in-review'] as const,
  queryFn: () => api<TaskList>(`/tasks${qs({ status: 'review', limit: TASK_PAGE })}`),
});

/** How many tasks wait for review; undefined until known (or when the daemon cannot say). */
export function useReviewCount(): number | undefined {
  return useQuery(inReviewQuery).data?.total;
}

/** Whether task `taskId` is in review now. */
export function useInReview(taskId: string | null | undefined): boolean {
  const { data } = useQuery({
    ...inReviewQuery,
    enabled: Boolean(taskId),
  });
  return Boolean(taskId) && (data?.tasks.some((t) => t.id === taskId) ?? false);
}

export function useReviews() {
  return useQuery({
    queryKey: reviewKeys.all,
    queryFn: async () => (await api<{ reviews: ReviewSummary[] }>('/review')).reviews,
  });
}

export function useReview(taskId: string) {
  return useQuery({
    queryKey: reviewKeys.one(taskId),
    queryFn: () => api<ReviewSummary>(`/tasks/${encodeURIComponent(taskId)}/review`),
  });
}

/** The task's landings, oldest first: the last is the one Land started. */
export function useTaskLandings(taskId: string, enabled = true) {
  return useQuery({
    queryKey: reviewKeys.landings(taskId),
    enabled,
    queryFn: async () => (await api<{ landings: Landing[] }>(`/landings${qs({ task: taskId })}`)).landings,
  });
}

/** After any of the three actions the task, its summary and its landings are stale. */
function useSettle(taskId: string) {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: reviewKeys.all });
    void client.invalidateQueries({ queryKey: reviewKeys.landings(taskId) });
    void client.invalidateQueries({ queryKey: baseKeys.tasks });
  };
}

export function useLand(taskId: string) {
  const settle = useSettle(taskId);
  return useMutation({
    mutationFn: () => api<{ queued: LandQueued[] }>('/land', { method: 'POST', body: { tasks: [taskId] } }),
    onSettled: settle,
  });
}

/**
 * Starts an agent on a task that has none yet (the board's Start), then refreshes the review:
 * the summary gains a branch once the worktree exists.
 */
export function useStartForReview(taskId: string) {
  const start = useStartTask();
  const settle = useSettle(taskId);
  return {
    ...start,
    mutate: () => start.mutate({ task: taskId }, { onSettled: settle }),
  };
}

export function useSendBack(taskId: string) {
  const client = useQueryClient();
  const settle = useSettle(taskId);
  return useMutation({
    mutationFn: (message: string) =>
      api<Task>(`/tasks/${encodeURIComponent(taskId)}/send-back`, { method: 'POST', body: { message } }),
    onSuccess: (task) => putTask(client, task),
    onSettled: settle,
  });
}

export function useDiscard(taskId: string) {
  const client = useQueryClient();
  const settle = useSettle(taskId);
  return useMutation({
    mutationFn: (deleteBranch: boolean) =>
      api<Task>(`/tasks/${encodeURIComponent(taskId)}/discard`, { method: 'POST', body: { deleteBranch } }),
    onSuccess: (task) => putTask(client, task),
    onSettled: settle,
  });
}
