import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

const script = join(ROOT, 'scripts', 'check-imports.js');
const check = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

describe('scripts/check-imports.js --rooms', () => {
  it('counts and lists the files reachable from an entry, the entry included', () => {
    const r = check('--rooms', 'domain/task.ts', '--list');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const files = lines.slice(0, -1);
    expect(files).toContain('domain/task.ts');
    expect(files).toContain('domain/values.ts');
    // domain imports nothing of ours, so nothing outside it is reachable.
    expect(files.every((f) => f.startsWith('domain/'))).toBe(true);
    expect(lines.at(-1)).toBe(`${files.length} file(s) reachable from domain/task.ts`);
  });

  it('takes several entries and counts each file once', () => {
    const one = check('--rooms', 'domain/task.ts').stdout;
    const both = check('--rooms', 'domain/task.ts,domain/values.ts').stdout;
    expect(Number.parseInt(both, 10)).toBe(Number.parseInt(one, 10));
  });

  it('refuses an entry that is not a file under src/', () => {
    const r = check('--rooms', 'domain/nothing.ts');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('domain/nothing.ts not found');
  });
});
