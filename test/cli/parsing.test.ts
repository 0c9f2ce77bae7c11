import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

/** Usage mistakes the CLI must catch itself, before any daemon is asked (none is started). */
describe('command-line parsing (real binary)', () => {
  let sb: Sandbox;
  afterEach(() => sb.cleanup());

  it('an unknown command with --help is an error naming the nearest command, not the top-level help', async () => {
    sb = makeSandbox();
    const r = await sb.flotilla(['lnad', '--help']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown command 'flotilla lnad' (did you mean 'flotilla land'?)");
    expect(r.stderr).toContain('hint: see the commands: flotilla --help');

    const sub = await sb.flotilla(['task', 'lsit', '--help']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("unknown command 'flotilla task lsit' (did you mean 'flotilla task list'?)");
    expect(sub.stderr).toContain('flotilla task --help');

    const viaHelp = await sb.flotilla(['help', 'strat']);
    expect(viaHelp.code).toBe(2);
    expect(viaHelp.stderr).toContain("did you mean 'flotilla start'?");
  });

  it('help for real commands still works (with global options before them)', async () => {
    sb = makeSandbox();
    for (const args of [
      ['--help'],
      ['task', '--help'],
      ['-C', sb.dir, 'task', 'add', '--help'],
      ['help', 'wt'],
    ]) {
      const r = await sb.flotilla(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^Usage: flotilla/);
    }
  });

  it('-p is --prompt: a priority word given to it is refused, naming --priority', async () => {
    sb = makeSandbox();
    const r = await sb.flotilla(['task', 'add', 'Fix it', '-p', 'high']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: --prompt 'high' is a priority level, not a prompt: -p is short for --prompt",
    );
    expect(r.stderr).toContain('--priority high');
  });

  it('a single-value option given twice is refused instead of the last one winning', async () => {
    sb = makeSandbox();
    const r = await sb.flotilla(['task', 'add', 'Fix it', '--prompt', 'a', '--prompt', 'b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '-p, --prompt <text>' was given more than once");
    const short = await sb.flotilla(['task', 'edit', 'abc', '--priority', 'low', '--priority=high']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("option '--priority <level>' was given more than once");
  });

  it('an empty title is refused in CLI words, not the API body field', async () => {
    sb = makeSandbox();
    const r = await sb.flotilla(['task', 'add', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: a task title cannot be empty\nhint: give a short title in quotes: flotilla task add "Fix the login"\n',
    );
    const label = await sb.flotilla(['task', 'add', 'x', '--label', 'two words']);
    expect(label.code).toBe(2);
    expect(label.stderr).toContain("error: --label 'two words': a label is letters");
    expect(label.stderr).not.toContain('request body');
  });
});
