import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { FlotillaError } from '../../../src/domain/errors.js';

/** A fresh temp dir per test, removed after it; also a fake HOME so no real ~/.config is read. */
export function useTempDir(): {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  write(rel: string, text: string): string;
} {
  let current: string | undefined;
  afterEach(() => {
    if (current) rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  const dir = () => {
    current ??= mkdtempSync(join(tmpdir(), 'flotilla-config-'));
    return current;
  };
  return {
    get dir() {
      return dir();
    },
    get env() {
      return { HOME: join(dir(), 'home') };
    },
    write(rel: string, text: string) {
      const file = join(dir(), rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}

/** Runs `fn` expecting a FlotillaError with `code`; returns it for further checks. */
export function thrownFlotillaError(fn: () => unknown, code: string): FlotillaError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).code).toBe(code);
    return err as FlotillaError;
  }
  throw new Error(`expected a FlotillaError ${code}, but nothing was thrown`);
}
