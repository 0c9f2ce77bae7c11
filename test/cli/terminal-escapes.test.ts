import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/domain/index.js';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

// Task text is user (or issue tracker, or agent) input: printed raw, it can retitle the
// terminal, write the clipboard (OSC 52), clear the screen or overwrite a line with CR.
const TITLE = 'Fix \u001b]0;pwned\u0007 \u001b]52;c;Y3VybCBldmlsfHNo\u0007 login\r\u001b[2J\u009b31m\u007f';
const PROMPT = 'Line one\nline two \u001b[2J\r\u0008 end\u202e';
// Every control character, and a Trojan Source direction override.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding raw control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('control characters in task text (real binary)', () => {
  let sb: Sandbox;
  let id = '';
  beforeAll(async () => {
    sb = makeSandbox();
    expect((await sb.flotilla(['init'])).code).toBe(0);
    const add = await sb.flotilla(['task', 'add', TITLE, '--prompt', PROMPT, '--json']);
    expect(add.code, add.stderr).toBe(0);
    const task = JSON.parse(add.stdout) as Task;
    // --json is exact.
    expect(task.title).toBe(TITLE);
    expect(task.prompt).toBe(PROMPT);
    id = task.id;
  });
  afterAll(() => sb.cleanup());

  it('task list shows them as visible escapes, and --json keeps them exact', async () => {
    const list = await sb.flotilla(['task', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toMatch(RAW);
    expect(list.stdout).toContain('Fix \\x1b]0;pwned\\x07 \\x1b]52;c;Y3VybCBldmlsfHNo\\x07 login\\r');
    const json = await sb.flotilla(['task', 'list', '--json']);
    expect((JSON.parse(json.stdout) as { tasks: Task[] }).tasks[0]?.title).toBe(TITLE);
  });

  it('task show neutralises title and prompt and keeps the prompt on its lines', async () => {
    const show = await sb.flotilla(['task', 'show', id]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).not.toMatch(RAW);
    expect(show.stdout).toContain('login\\r\\x1b[2J\\u009b31m\\x7f');
    expect(show.stdout).toContain('Line one\nline two \\x1b[2J\\r\\x08 end\\u202e');
  });

  it('add, move and an error message that echoes user text neutralise it too', async () => {
    const add = await sb.flotilla(['task', 'add', 'x\u001b[2Jy']);
    expect(add.stdout).toContain('x\\x1b[2Jy');
    const move = await sb.flotilla(['task', 'move', id, 'todo']);
    expect(move.stdout).not.toMatch(RAW);
    const bad = await sb.flotilla(['task', 'show', 'zz\u001b]0;t\u0007']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).not.toMatch(RAW);
    expect(bad.stderr).toContain('\\x1b]0;t\\x07');
  });
});
