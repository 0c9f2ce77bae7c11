import { z } from 'zod';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';

/**
 * A landing: one pass of a task's branch through its repo's landing queue (`flotilla land`, the
 * Land button). It predicts conflicts, builds the landed commit in a scratch worktree, runs the
 * repo's verify command there, advances the base branch atomically, then marks the task done.
 * Rows survive a daemon restart: the queue resumes where it was (docs/adr/0021-landing-queue.md).
 */

export const LANDING_STATES = ['queued', 'running', 'landed', 'failed', 'sent_back', 'cancelled'] as const;
export const LandingStateSchema = z.enum(LANDING_STATES);
export type LandingState = z.infer<typeof LandingStateSchema>;

/** The steps of a running landing, in order; recorded before each so a crash knows where it was. */
export const LANDING_STEPS = ['predict', 'prepare', 'verify', 'advance', 'finish'] as const;
export const LandingStepSchema = z.enum(LANDING_STEPS);
export type LandingStep = z.infer<typeof LandingStepSchema>;

export const LandingStrategySchema = z.enum(['rebase', 'merge', 'squash']);
export type LandingStrategyName = z.infer<typeof LandingStrategySchema>;

/** Why a landing did not land: each has its own way back (docs/landing.md). */
export const LANDING_FAILURES = ['conflict', 'verify', 'dirty', 'error', 'empty'] as const;
export const LandingFailureSchema = z.enum(LANDING_FAILURES);
export type LandingFailure = z.infer<typeof LandingFailureSchema>;

/** A conflicting file and its hunks (the text between the conflict markers, clipped). */
export const ConflictFileSchema = z.object({ path: z.string(), hunks: z.array(z.string()) });
export type ConflictFileInfo = z.infer<typeof ConflictFileSchema>;

export const LandingSchema = z.object({
  id: IdSchema,
  repoId: IdSchema,
  taskId: IdSchema,
  state: LandingStateSchema,
  step: LandingStepSchema.nullable(),
  strategy: LandingStrategySchema,
  /** The base branch it lands on (`main`). */
  baseRef: z.string(),
  /** The task's branch. */
  branch: z.string(),
  /** The base commit it was built on, once known. */
  baseBefore: z.string().nullable(),
  /** The commit the base is to point at (prepared), then does (landed). */
  commit: z.string().nullable(),
  failure: LandingFailureSchema.nullable(),
  /** What went wrong, in words, with the way forward. */
  message: z.string().nullable(),
  conflicts: z.array(ConflictFileSchema),
  /** The verify command's output (its tail), once it ran. */
  verifyOutput: z.string().nullable(),
  verifyExit: z.number().int().nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Landing = z.infer<typeof LandingSchema>;
