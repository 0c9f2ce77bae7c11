import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Reads are on the CLI's and the daemon's start-up path, so importing the store must not load
 * zod (tens of milliseconds); writes load it on demand through src/store/lazy.ts. This walks
 * the static import graph of the sources (what Node loads before any code runs).
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

/** Runtime imports and re-exports of a module; `import type` / `export type` are erased. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const pattern = /^(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?'([^']+)';/gms;
  for (const match of text.matchAll(pattern)) specs.push(match[1]!);
  return specs;
}

function reachablePackages(entry: string): { packages: Set<string>; path: Map<string, string> } {
  const packages = new Set<string>();
  const path = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(target)) queue.push(target);
      } else if (!spec.startsWith('node:')) {
        packages.add(spec);
        if (!path.has(spec)) path.set(spec, file);
      }
    }
  }
  return { packages, path };
}

describe('store import graph', () => {
  it('loads kysely and better-sqlite3 but not zod', () => {
    const { packages, path } = reachablePackages(join(SRC, 'store/index.ts'));
    expect(packages.has('kysely')).toBe(true);
    expect(packages.has('better-sqlite3')).toBe(true);
    expect(packages.has('zod'), `zod is imported (first by ${path.get('zod')})`).toBe(false);
  });

  it('the lazily loaded schemas module is where zod comes in', () => {
    expect(reachablePackages(join(SRC, 'store/schemas.ts')).packages.has('zod')).toBe(true);
  });
});
