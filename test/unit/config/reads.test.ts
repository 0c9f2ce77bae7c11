import { describe, expect, it } from 'vitest';
import { SRC_DIR, unreadConfigKeys } from './key-reads.js';

describe('config keys', () => {
  // A documented key that no code reads is a setting that silently does nothing (as the
  // integrations keys were): add the code that reads it, or leave the key out of the schema.
  it(`are each read by some code in ${SRC_DIR}/ outside config/`, { timeout: 120_000 }, () => {
    expect(unreadConfigKeys()).toEqual([]);
  });
});
