import type { AgentStatus } from '../domain/index.js';
import type { StatusSignal } from './types.js';

/**
 * Helpers for reading pane text, and the debouncer the supervisor puts in front of pane
 * classification: a TUI redraws in pieces, so one capture can show half a dialog or a spinner
 * between two frames. A status counts only once it has been seen steadily.
 */

/** The screen as lines, trailing spaces and trailing blank lines removed. */
export function screenLines(screen: string): string[] {
  const lines = screen
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.replace(/[\s\u00a0]+$/u, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A horizontal rule drawn with box characters (the borders of Claude Code's input box). */
export function isRule(line: string): boolean {
  return /^\s*[─━═-]{20,}\s*$/u.test(line);
}

/** Options of {@link PaneDebouncer}. */
export interface PaneDebounceOptions {
  /** Consecutive samples a new status must be seen in (default 2). */
  samples?: number;
  /** And for at least this long since first seen, in ms (default 1000). */
  stableMs?: number;
}

/**
 * Debounces pane classifications: `push` one sample per capture; it returns a signal only when
 * a new status has been seen in `samples` consecutive captures spanning at least `stableMs`.
 * A null sample (no opinion) breaks the streak but keeps the reported status.
 */
export class PaneDebouncer {
  private readonly samples: number;
  private readonly stableMs: number;
  private reported: StatusSignal | null = null;
  private candidate: { key: string; signal: StatusSignal; count: number; since: number } | null = null;

  constructor(options: PaneDebounceOptions = {}) {
    this.samples = Math.max(1, options.samples ?? 2);
    this.stableMs = Math.max(0, options.stableMs ?? 1000);
  }

  /** The status last reported, if any. */
  get current(): StatusSignal | null {
    return this.reported;
  }

  /** Feed one classification taken at `atMs`; returns the signal to report, or null. */
  push(signal: StatusSignal | null, atMs: number): StatusSignal | null {
    if (signal === null) {
      this.candidate = null;
      return null;
    }
    const key = keyOf(signal);
    if (this.reported !== null && keyOf(this.reported) === key) {
      this.candidate = null;
      this.reported = signal;
      return null;
    }
    if (this.candidate === null || this.candidate.key !== key) {
      this.candidate = { key, signal, count: 0, since: atMs };
    }
    this.candidate.count += 1;
    this.candidate.signal = signal;
    if (this.candidate.count >= this.samples && atMs - this.candidate.since >= this.stableMs) {
      this.reported = signal;
      this.candidate = null;
      return signal;
    }
    return null;
  }

  /** Forget everything, e.g. when a hook gave a better signal or the agent restarted. */
  reset(status: StatusSignal | null = null): void {
    this.reported = status;
    this.candidate = null;
  }
}

/** Two dialogs for different tools are different states; spinner words are not. */
function keyOf(signal: StatusSignal): string {
  const status: AgentStatus = signal.status;
  return status === 'needs_permission' ? `${status}\u0000${signal.detail ?? ''}` : status;
}

/** Regexes per status for agents read from their screen only, tried in the order below. */
export interface PanePatterns {
  needs_permission?: readonly RegExp[];
  working?: readonly RegExp[];
  needs_input?: readonly RegExp[];
}

const PATTERN_ORDER = ['needs_permission', 'working', 'needs_input'] as const;

/**
 * Match the last `tail` non-blank lines against `patterns`: a dialog beats a spinner, a
 * spinner beats an input prompt (an agent's prompt line often stays drawn while it works).
 * The detail is the line that matched. Null when nothing matches.
 */
export function matchPanePatterns(screen: string, patterns: PanePatterns, tail = 15): StatusSignal | null {
  const lines = screenLines(screen)
    .filter((l) => l.trim() !== '')
    .slice(-tail);
  for (const status of PATTERN_ORDER) {
    for (const re of patterns[status] ?? []) {
      const line = [...lines].reverse().find((l) => re.test(l));
      if (line !== undefined) return { status, source: 'pane', detail: shortLine(line) };
    }
  }
  return null;
}

function shortLine(line: string): string {
  const text = line.replace(/\s+/g, ' ').trim();
  return text.length <= 120 ? text : `${text.slice(0, 119)}…`;
}
