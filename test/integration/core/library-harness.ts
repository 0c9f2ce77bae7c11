import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createFlotilla, type Flotilla, type FlotillaOptions } from '../../../src/index.js';
import { run } from '../../../src/proc/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

/**
 * Flotilla as a library on real parts, for the core tests: a temp state dir, a real git repo, a
 * private tmux server, and a `shell` agent (a custom adapter running `sh -c SCRIPT`; the prompt
 * arrives as $0 and is ignored). Everything is torn down after each test.
 */
export interface LibraryHarness {
  /** Opens a Flotilla whose default agent runs `script`; the repo and state dir are fresh. */
  open(script: string, options?: Pick<FlotillaOptions, 'actor'>): Promise<Flotilla>;
  readonly repo: TestRepo;
  readonly home: string;
  /** The tmux socket name of this harness (for a second instance on the same state dir). */
  readonly socket: string;
}

export function libraryHarness(name: string): LibraryHarness {
  let flotilla: Flotilla | undefined;
  let repo: TestRepo | undefined;
  let home = '';
  const socket = `flotilla-${name}-${process.pid}`;

  afterEach(async () => {
    await flotilla?.close();
    flotilla = undefined;
    await run('tmux', ['-L', socket, 'kill-server'], { allowFailure: true });
    repo?.cleanup();
    repo = undefined;
    if (home) rmSync(home, { recursive: true, force: true });
    home = '';
  });

  return {
    socket,
    get repo() {
      if (!repo) throw new Error('libraryHarness: open() first');
      return repo;
    },
    get home() {
      if (!home) throw new Error('libraryHarness: open() first');
      return home;
    },
    async open(script, options = {}) {
      repo = await makeRepo();
      home = mkdtempSync(join(tmpdir(), `flotilla-${name}-`));
      flotilla = await createFlotilla({
        home,
        ...options,
        // No user config file: the test's settings are the whole config.
        env: { ...process.env, FLOTILLA_CONFIG: join(home, 'none.yaml') },
        config: {
          'tmux.socket': socket,
          agent: 'shell',
          'agents.shell.adapter': 'custom',
          'agents.shell.command': 'sh',
          'agents.shell.args': `[-c, ${JSON.stringify(script)}]`,
        },
      });
      return flotilla;
    },
  };
}

/** Waits (20 s at most) until `file` exists with some content, and returns it. */
export async function waitForContent(file: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (!existsSync(file) || readFileSync(file, 'utf8') === '') {
    if (Date.now() > deadline) throw new Error(`the agent never wrote ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return readFileSync(file, 'utf8');
}
