import { FlotillaError } from '../domain/errors.js';
import { ID_ALPHABET, ID_LENGTH } from '../domain/values.js';

const PREFIX_PATTERN = new RegExp(`^[${ID_ALPHABET}]{1,${ID_LENGTH}}$`);

/*
 * Unique-prefix resolution, shared by every entity with short ids: users type "k3f" for
 * "k3f9qa", as with git commits.
 */

/** How many candidates an AMBIGUOUS_ID message lists. */
const MAX_LISTED = 10;

/** Normalizes what a user typed (case, spaces) and checks it can be an id prefix. */
export function parseIdPrefix(input: string, what: string): string {
  const prefix = input.trim().toLowerCase();
  // The same rule as IdPrefixSchema, without loading zod on the read path.
  if (PREFIX_PATTERN.test(prefix)) return prefix;
  const reason =
    prefix.length > ID_LENGTH
      ? `an id is at most ${ID_LENGTH} characters`
      : prefix.length === 0
        ? 'it is empty'
        : `ids use only the characters '${ID_ALPHABET}' (no 0, 1, i, l, o)`;
  throw new FlotillaError('INVALID_ID', `'${input}' is not a valid ${what} id: ${reason}`, {
    hint: `copy the id from the first column of: ${listCommand(what)}`,
  });
}

/** A row whose id starts with the prefix, with a human label for messages. */
export interface PrefixCandidate {
  id: string;
  label: string;
}

/** Query at most this many candidates: enough to list them and to know there are more. */
export const CANDIDATE_LIMIT = MAX_LISTED + 1;

/** Picks the single candidate, or explains why there is none or more than one. */
export function pickCandidate(what: string, prefix: string, candidates: readonly PrefixCandidate[]): string {
  const exact = candidates.find((c) => c.id === prefix);
  if (exact) return exact.id;
  if (candidates.length === 1) return candidates[0]!.id;
  if (candidates.length === 0) {
    const message =
      prefix.length === ID_LENGTH
        ? `${what} '${prefix}' not found`
        : `no ${what} has an id starting with '${prefix}'`;
    throw new FlotillaError('NOT_FOUND', message, {
      hint: listCommand(what),
    });
  }
  const listed = candidates
    .slice(0, MAX_LISTED)
    .map((c) => `${c.id} ${c.label}`)
    .join(', ');
  const more = candidates.length > MAX_LISTED ? ', and more' : '';
  throw new FlotillaError('AMBIGUOUS_ID', `'${prefix}' matches several ${what}s: ${listed}${more}`, {
    hint: 'type more characters of the id',
  });
}

/** The command that lists ids of this kind (agents are listed by `ps`, as users know them). */
const LIST_COMMANDS: Record<string, string> = {
  agent: 'flotilla ps --all',
  task: 'flotilla task list --all-repos',
  repo: 'flotilla repo list',
};

function listCommand(what: string): string {
  return LIST_COMMANDS[what] ?? `flotilla ${what} list`;
}

/** The `where('id', op, value)` arguments that find ids starting with `prefix` (exact when whole). */
export function idPrefixWhere(prefix: string): ['=' | 'like', string] {
  return prefix.length === ID_LENGTH ? ['=', prefix] : ['like', `${prefix}%`];
}
