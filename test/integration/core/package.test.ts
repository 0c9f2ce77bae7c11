import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/proc/index.js';
import { ROOT } from '../../helpers/cli.js';

/**
 * `import { createFlotilla } from 'flotilla'` from the packed tarball, as a user's project would:
 * `npm pack` (the files list and `exports` as published), unpacked into a temp project's
 * node_modules. Its dependencies are linked from this checkout's node_modules (installing them
 * would compile better-sqlite3 again: a minute, and nothing this test is about).
 */
describe('the published package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports createFlotilla from its tarball', async () => {
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: ROOT,
      timeoutMs: 120_000,
    });
    const [{ filename, files }] = JSON.parse(packed.stdout) as [
      { filename: string; files: { path: string }[] },
    ];
    const paths = files.map((f) => f.path);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('bin/flotilla.js');
    expect(
      paths.some((p) => p.startsWith('src/') || p.startsWith('test/')),
      'no sources or tests shipped',
    ).toBe(false);

    const project = join(dir, 'app');
    const modules = join(project, 'node_modules');
    mkdirSync(modules, { recursive: true });
    writeFileSync(join(project, 'package.json'), '{"name":"app","private":true,"type":"module"}\n');
    await run('tar', ['-xzf', join(dir, filename), '-C', modules], { timeoutMs: 60_000 });
    await run('mv', [join(modules, 'package'), join(modules, 'flotilla')]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(pkg.dependencies)) {
      mkdirSync(join(modules, name, '..'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
    }
    const probe =
      "import('flotilla').then((m) => console.log(JSON.stringify({ create: typeof m.createFlotilla, error: typeof m.FlotillaError })))";
    const r = await run(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: project,
      timeoutMs: 30_000,
    });
    expect(JSON.parse(r.stdout)).toEqual({ create: 'function', error: 'function' });
  }, 180_000);
});
