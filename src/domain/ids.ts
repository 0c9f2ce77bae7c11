import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { ID_ALPHABET, ID_LENGTH } from './values.js';

/**
 * Short, human-friendly ids: 6 characters from an alphabet without look-alikes (0/o, 1/l/i),
 * so they can be read aloud and typed. Any unique prefix is accepted wherever an id is.
 * 31^6 ≈ 887 million values: collisions are checked at insert and retried.
 */
export { ID_ALPHABET, ID_LENGTH } from './values.js';

export const IdSchema = z
  .string()
  .regex(
    new RegExp(`^[${ID_ALPHABET}]{${ID_LENGTH}}$`),
    `an id is ${ID_LENGTH} characters from '${ID_ALPHABET}'`,
  );

/** A possibly-abbreviated id typed by a user. */
export const IdPrefixSchema = z
  .string()
  .min(1, 'an id prefix cannot be empty')
  .max(ID_LENGTH, `an id is at most ${ID_LENGTH} characters`)
  .regex(
    new RegExp(`^[${ID_ALPHABET}]+$`),
    `ids use only the characters '${ID_ALPHABET}' (no 0, 1, i, l, o)`,
  );

export function newId(): string {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}
