/**
 * Conflict prediction across live work: for each pair of live agents of a repo, the files both
 * changed (committed or not), their overlapping hunks, and whether merging the two would
 * conflict. The core service builds it, the API answers with it, the CLI and the dashboard read
 * it: one schema for all.
 */
import { z } from 'zod';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';

/** Lines of one side's own version of a file: 1-based, inclusive; a pure deletion is [n, n], n the line before it. */
export const LineSpanSchema = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

/** One side of a pair: the agent, its task and its branch. */
export const ConflictSideSchema = z.object({
  agentId: IdSchema,
  taskId: IdSchema,
  branch: z.string(),
});
export type ConflictSide = z.infer<typeof ConflictSideSchema>;

/** A file both sides changed, or that merging them leaves conflicted. */
export const ConflictFileSchema = z.object({
  path: z.string(),
  /**
   * Hunks of `a` and of `b` that change the same or adjacent lines of the file they forked from
   * (adjacent: git's merge conflicts on them too); each in its side's own lines. At most 50.
   */
  overlappingHunks: z.array(z.object({ a: LineSpanSchema, b: LineSpanSchema })),
  /** `git merge-tree` leaves this file conflicted. */
  conflicts: z.boolean(),
});
export type ConflictFile = z.infer<typeof ConflictFileSchema>;

/** Two live agents whose work shares files (pairs sharing nothing are not listed). */
export const ConflictPairSchema = z.object({
  a: ConflictSideSchema,
  b: ConflictSideSchema,
  files: z.array(ConflictFileSchema),
  /** Merging the two branches (with their uncommitted changes) would conflict. */
  conflicts: z.boolean(),
});
export type ConflictPair = z.infer<typeof ConflictPairSchema>;

/** A live agent as it was compared. */
export const ConflictAgentSchema = ConflictSideSchema.extend({
  /** The agent had uncommitted changes (taken in as they were). */
  dirty: z.boolean(),
  /** How many files its work changes against the commit it forked from. */
  files: z.number().int().min(0),
});
export type ConflictAgent = z.infer<typeof ConflictAgentSchema>;

/** The prediction for one repo. */
export const RepoConflictsSchema = z.object({
  repoId: IdSchema,
  repo: z.string(),
  /** The base branch the live branches are compared against. */
  baseBranch: z.string(),
  /** Its commit at the last computation; null before the first one. */
  baseCommit: z.string().nullable(),
  /** When the prediction was last computed; null before the first one. */
  computedAt: TimestampSchema.nullable(),
  agents: z.array(ConflictAgentSchema),
  pairs: z.array(ConflictPairSchema),
  /** Agents whose work could not be read, and why (their pairs are missing). */
  errors: z.array(z.object({ agentId: IdSchema, message: z.string() })),
});
export type RepoConflicts = z.infer<typeof RepoConflictsSchema>;

/** `GET /conflicts`: the prediction for each repo asked about. */
export const ConflictListSchema = z.object({ repos: z.array(RepoConflictsSchema) });
export type ConflictList = z.infer<typeof ConflictListSchema>;
