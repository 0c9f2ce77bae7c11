import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TmuxServer } from '../../../src/tmux/index.js';

/** A private tmux server on a socket in a temp dir, with its own HOME: never the user's. */
export interface TmuxSandbox {
  dir: string;
  server: TmuxServer;
  /** Environment the test server runs with (and agents inherit). */
  env: NodeJS.ProcessEnv;
  /** A node script that writes {argv, env, cwd} as JSON to $DUMP_OUT, then waits for input. */
  dumpScript: string;
  cleanup(): Promise<void>;
}

// /tmp rather than os.tmpdir(): a Unix socket path must stay under ~100 bytes.
export function makeTmuxSandbox(): TmuxSandbox {
  const dir = mkdtempSync('/tmp/flotilla-tmux-');
  const home = join(dir, 'home');
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8' };
  const server = new TmuxServer({ socketPath: join(dir, 'sock'), env });
  const dumpScript = join(dir, 'dump.cjs');
  writeFileSync(
    dumpScript,
    [
      "const fs = require('fs');",
      'const out = process.env.DUMP_OUT;',
      'const env = {};',
      'for (const k of (process.env.DUMP_KEYS || "").split(",")) if (k) env[k] = process.env[k];',
      'fs.writeFileSync(out + ".tmp", JSON.stringify({ argv: process.argv.slice(2), env, cwd: process.cwd() }));',
      'fs.renameSync(out + ".tmp", out);',
      'setTimeout(() => {}, 600000);',
    ].join('\n'),
  );
  return {
    dir,
    server,
    env,
    dumpScript,
    async cleanup() {
      await server.killServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll `check` until it returns a value other than undefined/false, or fail saying what never happened. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what} did not happen within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Read a JSON file once it exists. */
export function readJsonWhenReady<T>(path: string, what: string): Promise<T> {
  return waitFor(() => JSON.parse(readFileSync(path, 'utf8')) as T, what);
}
