import { z } from 'zod';
import { IdSchema } from './ids.js';
import { LandingSchema } from './landing.js';
import { TaskSchema } from './task.js';

/**
 * What a task waiting for review shows (`flotilla review`, the dashboard's review page): its
 * commits and diff stat against the base, the agent's last message, the last landing (with the
 * verify output), and what the agent cost.
 */

export const ReviewCommitSchema = z.object({
  sha: z.string(),
  subject: z.string(),
  author: z.string(),
  date: z.string(),
});

export const ReviewFileSchema = z.object({
  path: z.string(),
  oldPath: z.string().optional(),
  insertions: z.number().int(),
  deletions: z.number().int(),
  binary: z.boolean(),
});

export const ReviewSummarySchema = z.object({
  task: TaskSchema,
  agentId: IdSchema.nullable(),
  branch: z.string().nullable(),
  baseRef: z.string().nullable(),
  /** Commits on the branch, oldest first; `ahead` counts them all, `behind` what the base gained since. */
  commits: z.array(ReviewCommitSchema),
  ahead: z.number().int(),
  behind: z.number().int(),
  files: z.array(ReviewFileSchema),
  totals: z.object({ files: z.number().int(), insertions: z.number().int(), deletions: z.number().int() }),
  /** The agent's last message (its last assistant text), when known. */
  lastMessage: z.string().nullable(),
  /** The newest landing of the task, if any: its state, failure, conflicts and verify output. */
  landing: LandingSchema.nullable(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }).nullable(),
});
export type ReviewSummary = z.infer<typeof ReviewSummarySchema>;
