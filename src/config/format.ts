/** Shared string formats of the config schema, tagged with the words errors and docs use for them. */
import { z } from 'zod';
import { AdapterNameSchema } from '../domain/agent.js';

/** Tags a schema with the words error messages and docs use for its format (read by keys.ts). */
export const expects = <T extends z.ZodType>(schema: T, text: string): T => schema.meta({ expected: text });

/**
 * Who may set a key. `repo`: read per repo (from the repo's config), so a repo's flotilla.yaml may
 * set it. `daemon`: read once by the daemon, which serves every repo, so only the user file, the
 * environment and flags set it. ADR 0019.
 */
export type ConfigScope = 'repo' | 'daemon';

/** Tags a schema (a key or a whole section) with its scope; a key inherits its section's (keys.ts). */
export const scoped = <T extends z.ZodType>(schema: T, scope: ConfigScope): T => schema.meta({ scope });

export const envVarName = expects(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  'an environment variable name (letters, digits and _)',
);
export const agentName = expects(AdapterNameSchema, 'an agent name (lowercase letters, digits and dashes)');

/** `a, b, c and d`: a list in running text. */
export const wordList = (words: readonly string[]): string =>
  words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
