import { z } from 'zod';

/** The machine's memory headroom: below `limits.min_free_memory_mb` no agent starts. */
export const MemoryHeadroomSchema = z.object({
  availableMb: z.number().nullable(),
  floorMb: z.number(),
  ok: z.boolean(),
});
export type MemoryHeadroom = z.infer<typeof MemoryHeadroomSchema>;

/** The dispatcher (`GET /scheduler`): which repos start ready tasks by themselves, and why not more. */
export const DispatchStatusSchema = z.object({
  repos: z.array(
    z.object({
      repoId: z.string(),
      name: z.string(),
      auto: z.boolean(),
      /** What turned dispatch on: the repo's `scheduler.auto`, or an `up --watch` lease. */
      by: z.enum(['config', 'watch']).nullable(),
      live: z.number().int(),
      maxPerRepo: z.number().int().nullable(),
    }),
  ),
  memory: MemoryHeadroomSchema,
  lastRunAt: z.string().nullable(),
  lastStarted: z.array(z.string()),
});
export type DispatchStatus = z.infer<typeof DispatchStatusSchema>;
