import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flotillaInvocation, printResult } from '../../src/cli/commands/demo.js';
import type { DemoResult } from '../../src/cli/commands/demo-run.js';
import type { CliContext } from '../../src/cli/context.js';
import { BIN, makeSandbox, ROOT, type Sandbox } from '../helpers/cli.js';

/** What `flotilla demo` prints after the run: commands that work from where the user is. */

const dirs: string[] = [];
let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'flotilla-demo-cmds-'));
  dirs.push(d);
  return d;
};

describe('the flotilla command the demo prints', () => {
  it('is `node bin/flotilla.js` from the package root when flotilla is not on PATH', () => {
    expect(flotillaInvocation({ PATH: '/usr/bin:/bin' }, ROOT)).toBe('node bin/flotilla.js');
  });

  it('is `node /abs/bin/flotilla.js` from elsewhere', () => {
    expect(flotillaInvocation({ PATH: '/usr/bin:/bin' }, tmp())).toBe(`node ${BIN}`);
  });

  it('is `flotilla` when the one on PATH is this installation (npm link, npm install -g .)', () => {
    const bin = join(tmp(), 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'flotilla'));
    expect(flotillaInvocation({ PATH: `${bin}:/usr/bin` }, tmp())).toBe('flotilla');
  });

  it('is not `flotilla` when the one on PATH is another installation', () => {
    const bin = join(tmp(), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'flotilla'), '#!/bin/sh\necho other\n');
    chmodSync(join(bin, 'flotilla'), 0o755);
    expect(flotillaInvocation({ PATH: `${bin}:/usr/bin` }, ROOT)).toBe('node bin/flotilla.js');
  });
});

function printed(kept: boolean): string {
  const dir = '/tmp/flotilla-demo-x';
  const result: DemoResult = {
    ok: true,
    problem: null,
    durationMs: 12_000,
    kept,
    baseCommit: 'abc',
    layout: {
      dir,
      repo: `${dir}/sample-app`,
      home: `${dir}/home`,
      state: `${dir}/state`,
      configFile: `${dir}/config.yaml`,
      markerFile: `${dir}/demo.json`,
      tmuxSocket: 'flotilla-demo-1',
    },
    agents: [
      {
        agentId: 'a1b2c3',
        taskId: 't1t2t3',
        title: 'Add a greeting',
        branch: 'flotilla/t1t2t3-add-a-greeting',
        file: 'greet.js',
        status: 'idle',
        commit: 'deadbee',
        paneLog: `${dir}/state/agents/a1b2c3/pane.log`,
      },
    ],
  } as DemoResult;
  const lines: string[] = [];
  const ctx = { out: (t: string) => lines.push(t), style: { color: false } } as unknown as CliContext;
  printResult(ctx, result, 'node bin/flotilla.js');
  return lines.join('\n');
}

describe('after the demo', () => {
  it('without --keep: no command that needs the stopped daemon, and says what to do instead', () => {
    const text = printed(false);
    expect(text).not.toMatch(/flotilla\.js (ps|logs|attach|web)/);
    expect(text).toContain('git -C /tmp/flotilla-demo-x/sample-app log');
    expect(text).toContain('node bin/flotilla.js demo --keep');
    expect(text).toContain('Clean up: node bin/flotilla.js demo --clean /tmp/flotilla-demo-x');
    expect(text).not.toMatch(/(^|\s)flotilla (ps|logs|demo)/m);
  });

  it('with --keep: the commands talk to the running demo daemon', () => {
    const text = printed(true);
    expect(text).toContain(
      'FLOTILLA_HOME=/tmp/flotilla-demo-x/state FLOTILLA_CONFIG=/tmp/flotilla-demo-x/config.yaml node bin/flotilla.js ps',
    );
    expect(text).toContain('node bin/flotilla.js attach a1b2c3');
    expect(text).toContain('node bin/flotilla.js web --open');
  });

  it("a command run with a finished demo's state dir says so and starts no daemon", async () => {
    sb = makeSandbox();
    const dir = join(sb.dir, 'demo');
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(
      join(dir, 'demo.json'),
      JSON.stringify({
        flotillaDemo: 1,
        tmuxSocket: 'x',
        createdAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:01:00Z',
      }),
    );
    const r = await sb.flotilla(['ps'], { env: { FLOTILLA_HOME: join(dir, 'state') } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`the demo in ${dir} has finished`);
    expect(r.stderr).toContain('flotilla demo --keep');
    expect(existsSync(join(dir, 'state', 'daemon.json'))).toBe(false);
  });
});
