/**
 * Review and landing (issue 12): the tasks waiting for review, one task's summary, its landings,
 * and the three ways out (Land, Send back, Discard). The stream (stream/sync.ts) invalidates
 * `review` and `landings` on landing events and task moves, so Land's progress shows live.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, qs } from './client.js';
import { keys as baseKeys, putTask } from './queries.js';
import type { Landing, LandQueued, ReviewSummary, Task } from './types.js';

export const reviewKeys = {
  /** Every review query starts with 'review': one invalidation reaches the list and each page. */
  all: ['review'] as const,
  one: (taskId: string) => ['review', taskId] as const,
  landings: (taskId: string) => ['landings', taskId] as const,
};

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
export function useTaskLandings(taskId: string) {
  return useQuery({
    queryKey: reviewKeys.landings(taskId),
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
