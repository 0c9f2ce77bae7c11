import { describe, expect, it } from 'vitest';
import { PaneDebouncer } from '../../../src/agents/pane.js';
import type { StatusSignal } from '../../../src/agents/types.js';

const s = (status: StatusSignal['status'], detail?: string): StatusSignal => ({
  status,
  source: 'pane',
  ...(detail ? { detail } : {}),
});

describe('PaneDebouncer', () => {
  it('reports a status once seen in N consecutive samples over T ms', () => {
    const d = new PaneDebouncer({ samples: 3, stableMs: 1000 });
    expect(d.push(s('working'), 0)).toBeNull();
    expect(d.push(s('working'), 500)).toBeNull();
    // Third sample, but only 900 ms since first seen.
    expect(d.push(s('working'), 900)).toBeNull();
    expect(d.push(s('working'), 1000)).toEqual(s('working'));
    expect(d.current).toEqual(s('working'));
    // Already reported: no repeat.
    expect(d.push(s('working'), 1500)).toBeNull();
  });

  it('a flicker to another status does not get reported', () => {
    const d = new PaneDebouncer({ samples: 2, stableMs: 0 });
    d.push(s('working'), 0);
    expect(d.push(s('working'), 100)?.status).toBe('working');
    expect(d.push(s('needs_input'), 200)).toBeNull();
    expect(d.push(s('working'), 300)).toBeNull();
    expect(d.push(s('needs_input'), 400)).toBeNull();
    expect(d.current?.status).toBe('working');
  });

  it('a null sample (no opinion) breaks a streak but keeps the reported status', () => {
    const d = new PaneDebouncer({ samples: 2, stableMs: 0 });
    d.push(s('needs_input'), 0);
    d.push(s('needs_input'), 1);
    d.push(s('working'), 2);
    expect(d.push(null, 3)).toBeNull();
    expect(d.push(s('working'), 4)).toBeNull();
    expect(d.push(s('working'), 5)?.status).toBe('working');
  });

  it('a different permission dialog is a new state; different spinner words are not', () => {
    const d = new PaneDebouncer({ samples: 1, stableMs: 0 });
    expect(d.push(s('needs_permission', 'Bash: ls'), 0)?.detail).toBe('Bash: ls');
    expect(d.push(s('needs_permission', 'Bash: rm x'), 1)?.detail).toBe('Bash: rm x');
    expect(d.push(s('working', 'Thinking…'), 2)?.status).toBe('working');
    expect(d.push(s('working', 'Orchestrating…'), 3)).toBeNull();
    expect(d.current?.detail).toBe('Orchestrating…');
  });

  it('defaults to 2 samples over 1 s; reset forgets the streak', () => {
    const d = new PaneDebouncer();
    d.push(s('working'), 0);
    expect(d.push(s('working'), 999)).toBeNull();
    expect(d.push(s('working'), 1000)?.status).toBe('working');
    d.reset(s('needs_input'));
    expect(d.current?.status).toBe('needs_input');
    expect(d.push(s('working'), 2000)).toBeNull();
  });
});
