/**
 * The one mutation the shared hooks do not cover: removing an agent together with its
 * worktree (`DELETE /agents/:id?worktree=true`). Kept here until api/queries.ts grows the option.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, qs } from '../../api/client.js';
import { keys } from '../../api/queries.js';
import type { AgentRemoveResult } from '../../api/types.js';

export interface RemoveRequest {
  id: string;
  /** Stop a live agent first; with `worktree`, discard uncommitted work too. */
  force: boolean;
  /** Also remove the worktree (never the branch). */
  worktree: boolean;
}

export function useRemoveAgentWorktree() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, force, worktree }: RemoveRequest) =>
      api<AgentRemoveResult>(
        `/agents/${encodeURIComponent(id)}${qs({ force: force ? 'true' : undefined, worktree: worktree ? 'true' : undefined })}`,
        { method: 'DELETE' },
      ),
    onSettled: () => client.invalidateQueries({ queryKey: keys.agents }),
  });
}

/**
 * Whether `--force` would get past this refusal: the daemon answers CONFLICT when the agent is
 * still live or the worktree holds work that would be lost; anything else force cannot fix.
 */
export function forceWouldHelp(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'CONFLICT';
}
