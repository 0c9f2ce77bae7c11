import { z } from 'zod';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';

/** A git repository registered with `flotilla init`. */
export const RepoSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  /** Absolute path of the main checkout (the toplevel of the repo). */
  path: z.string().min(1),
  defaultBranch: z.string().min(1),
  createdAt: TimestampSchema,
});
export type Repo = z.infer<typeof RepoSchema>;
