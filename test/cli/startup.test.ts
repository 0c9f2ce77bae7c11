import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, ROOT, type Sandbox } from '../helpers/cli.js';

/**
 * What the real binary loads before it runs a command, recorded by a module loader hook. The
 * CLI's start-up time is mostly module loading; zod alone was 95 of 144 files of `task list`
 * (the bench's CLI ratio missed its 3× target by that much). The schemas are loaded only by the
 * commands that check a task's text.
 */
describe('CLI start-up (real binary)', () => {
  let sb: Sandbox;
  afterEach(() => sb.cleanup());

  function traced(): { env: NodeJS.ProcessEnv; loaded: () => string[] } {
    const out = join(sb.dir, 'loaded.txt');
    writeFileSync(out, '');
    const hooks = join(sb.dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(out)}, url + '\\n');
  return next(url, context);
}
`,
    );
    const register = join(sb.dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    return {
      env: { ...sb.env, NODE_OPTIONS: `--import ${pathToFileURL(register).href}` },
      loaded: () =>
        readFileSync(out, 'utf8')
          .split('\n')
          .filter((u) => u.startsWith(pathToFileURL(ROOT).href))
          .map((u) => u.slice(pathToFileURL(ROOT).href.length + 1)),
    };
  }

  it('loads no zod for a command that takes no task text, and does for one that does', async () => {
    sb = makeSandbox();
    const t = traced();
    const help = await sb.flotilla(['task', 'list', '--help'], { env: t.env });
    expect(help.code, help.stderr).toBe(0);
    const atStart = t.loaded();
    // The hook saw the CLI itself, so an empty list cannot pass for "no zod".
    expect(atStart).toContain('dist/cli/main.js');
    expect(atStart.filter((f) => f.includes('node_modules/zod/'))).toEqual([]);

    // `task add` checks its title with the API's own schema: zod loads then, and the bad title
    // is refused before any daemon is asked.
    const t2 = traced();
    const bad = await sb.flotilla(['task', 'add', ' '], { env: t2.env, cwd: sb.repo });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/title/i);
    expect(t2.loaded().some((f) => f.includes('node_modules/zod/'))).toBe(true);
  });
});
