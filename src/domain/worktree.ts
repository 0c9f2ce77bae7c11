import { z } from 'zod';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';

/** A git worktree plus its branch, created for a task from a base ref. */
export const WorktreeSchema = z.object({
  id: IdSchema,
  repoId: IdSchema,
  taskId: IdSchema,
  path: z.string(),
  branch: z.string(),
  baseRef: z.string(),
  /** The commit the branch was created from: "ahead" and "unmerged" are measured against it. */
  baseCommit: z.string(),
  /** First port of this worktree's block (PORT / FLOTILLA_PORT_BASE). */
  portBase: z.number().int().min(1024).max(65535),
  createdAt: TimestampSchema,
  removedAt: TimestampSchema.nullable(),
});
export type Worktree = z.infer<typeof WorktreeSchema>;
