import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/proc/index.js';
import { classify } from '../../../src/tmux/client.js';
import { FIELD_SEPARATOR, isUnreaped, PANE_FORMAT, parsePaneList } from '../../../src/tmux/pane-info.js';

const line = (fields: Record<string, string>) =>
  [
    fields.pid ?? '100',
    fields.name ?? 's',
    fields.created ?? '1700000000',
    fields.attached ?? '0',
    fields.window ?? '0',
    fields.top ?? '1',
    fields.left ?? '1',
    fields.paneId ?? '%1',
    fields.panePid ?? '200',
    fields.dead ?? '0',
    fields.status ?? '',
    fields.signal ?? '',
    fields.activity ?? '1700000005',
    fields.command ?? 'claude',
  ].join(FIELD_SEPARATOR);

describe('parsePaneList', () => {
  it('reads one pane into epoch-millisecond times and typed fields', () => {
    const { panes, serverPid } = parsePaneList(`${line({ attached: '2' })}\n`);
    expect(serverPid).toBe(100);
    expect(panes).toEqual([
      {
        name: 's',
        created: 1_700_000_000_000,
        attached: 2,
        paneId: '%1',
        panePid: 200,
        paneDead: false,
        paneDeadStatus: null,
        paneDeadSignal: null,
        paneCurrentCommand: 'claude',
        activity: 1_700_000_005_000,
      },
    ]);
  });

  it('reports status and signal of dead panes only, and spots unreaped ones', () => {
    const { panes } = parsePaneList(
      [
        line({ name: 'a', dead: '1', status: '3' }),
        line({ name: 'b', dead: '1', signal: '9' }),
        line({ name: 'c', dead: '1' }),
        line({ name: 'd', dead: '0', status: '7' }),
      ].join('\n'),
    );
    expect(panes.map((p) => [p.name, p.paneDeadStatus, p.paneDeadSignal, isUnreaped(p)])).toEqual([
      ['a', 3, null, false],
      ['b', null, 9, false],
      ['c', null, null, true],
      ['d', null, null, false],
    ]);
  });

  it("picks the agent's pane: top-left of the lowest window, whatever tmux lists first", () => {
    const { panes } = parsePaneList(
      [
        line({ name: 's', window: '1', paneId: '%9', command: 'user-window' }),
        line({ name: 's', window: '0', top: '0', left: '1', paneId: '%5', command: 'user-split' }),
        line({ name: 's', window: '0', paneId: '%2', command: 'agent' }),
        line({ name: 't', paneId: '%3', command: 'other' }),
      ].join('\n'),
    );
    expect(panes.map((p) => [p.name, p.paneCurrentCommand])).toEqual([
      ['s', 'agent'],
      ['t', 'other'],
    ]);
  });

  it('keeps a command name containing the separator, and skips garbage lines', () => {
    const { panes } = parsePaneList(
      [line({ command: `odd${FIELD_SEPARATOR}name` }), 'garbage', '', 'a\x1fb'].join('\n'),
    );
    expect(panes.map((p) => p.paneCurrentCommand)).toEqual([`odd${FIELD_SEPARATOR}name`]);
  });

  it('asks tmux for as many fields as it parses', () => {
    expect(PANE_FORMAT.split(FIELD_SEPARATOR)).toHaveLength(line({}).split(FIELD_SEPARATOR).length);
  });
});

describe('classify', () => {
  const result = (code: number, stderr: string): RunResult => ({
    command: 'tmux',
    args: [],
    code,
    signal: null,
    stdout: '',
    stderr,
    durationMs: 1,
  });

  it.each([
    [0, '', 'ok'],
    [1, 'no server running on /tmp/tmux-0/flotilla', 'no-server'],
    [1, 'error connecting to /tmp/x/sock (No such file or directory)', 'no-server'],
    [1, 'error connecting to /tmp/x/sock (Connection refused)', 'no-server'],
    [1, 'error connecting to /tmp/x/sock (Permission denied)', 'error'],
    [1, 'server exited unexpectedly', 'server-exiting'],
    [1, "can't find session: flotilla-x", 'not-found'],
    [1, "can't find pane: {top-left}", 'not-found'],
    [1, 'no current target', 'not-found'],
    [1, 'duplicate session: flotilla-x', 'duplicate'],
    [1, 'command too long', 'too-long'],
    [1, 'unknown command: foo', 'error'],
  ])('%i %j → %s', (code, stderr, kind) => {
    expect(classify(result(code, stderr)).kind).toBe(kind);
  });
});
