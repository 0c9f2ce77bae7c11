import { FlotillaError } from '../domain/errors.js';
import type { StoreContext } from './context.js';
import { schemas } from './lazy.js';

/** Tables whose rows carry a short id from `newId()`. */
export type IdTable = 'repos' | 'tasks' | 'agents' | 'worktrees' | 'landings';

const MAX_ATTEMPTS = 8;

/**
 * A new id not yet used in `table`. Checked with a read inside the caller's write transaction
 * (which holds the write lock) rather than by catching a failed insert, which would abort the
 * whole transaction on PostgreSQL.
 */
export async function freshId(ctx: StoreContext, table: IdTable): Promise<string> {
  const { newId } = await schemas();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const id = newId();
    const taken = await ctx.db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
    if (!taken) return id;
  }
  throw new FlotillaError('INTERNAL', `could not find a free ${table} id after ${MAX_ATTEMPTS} attempts`);
}
