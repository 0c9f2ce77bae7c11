/**
 * One `list-panes -F` format for every liveness question, and its parser. The health monitor
 * polls this every second for every agent, so it is one tmux call for the whole server.
 */

/** What tmux knows about one agent session and its agent pane. Times are epoch milliseconds. */
export interface PaneInfo {
  /** Session name. */
  name: string;
  /** When the session was created. */
  created: number;
  /** How many clients (users running `flotilla attach`) are attached. */
  attached: number;
  /** tmux pane id (`%12`), stable across respawn-pane. */
  paneId: string;
  /** Pid of the process tmux started in the pane; null if tmux does not report one. */
  panePid: number | null;
  /** The pane's process has exited (the pane stays because of remain-on-exit). */
  paneDead: boolean;
  /** Exit code, when it exited normally; null while alive or after a signal death. */
  paneDeadStatus: number | null;
  /** Signal number that killed it; null while alive, after a normal exit, or on tmux < 3.3. */
  paneDeadSignal: number | null;
  /** Foreground command of the pane (its name, as tmux sees it). */
  paneCurrentCommand: string;
  /** Last output in the agent's window (tmux tracks seconds). */
  activity: number;
}

/**
 * Unit separator (0x1f): tmux stores session names with unprintable characters escaped (so it
 * cannot occur there), and it never occurs in numbers. The one free-text field that could hold
 * it, the command name, is last and takes the rest of the line.
 */
export const FIELD_SEPARATOR = '\x1f';

const FIELDS = [
  'pid',
  'session_name',
  'session_created',
  'session_attached',
  'window_index',
  'pane_at_top',
  'pane_at_left',
  'pane_id',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_dead_signal',
  'window_activity',
  'pane_current_command',
] as const;

export const PANE_FORMAT = FIELDS.map((f) => `#{${f}}`).join(FIELD_SEPARATOR);

function intOrNull(s: string | undefined): number | null {
  if (s === undefined || !/^-?\d+$/.test(s)) return null;
  return Number(s);
}

interface Row {
  serverPid: number | null;
  info: PaneInfo;
  windowIndex: number;
  topLeft: boolean;
}

function parseRow(line: string): Row | null {
  const parts = line.split(FIELD_SEPARATOR);
  if (parts.length < FIELDS.length) return null;
  const [
    serverPid,
    name,
    created,
    attached,
    windowIndex,
    atTop,
    atLeft,
    paneId,
    pid,
    dead,
    status,
    signal,
    activity,
  ] = parts;
  const command = parts.slice(FIELDS.length - 1).join(FIELD_SEPARATOR);
  if (!name || !paneId) return null;
  return {
    serverPid: intOrNull(serverPid),
    windowIndex: intOrNull(windowIndex) ?? 0,
    topLeft: atTop === '1' && atLeft === '1',
    info: {
      name,
      created: (intOrNull(created) ?? 0) * 1000,
      attached: intOrNull(attached) ?? 0,
      paneId,
      panePid: intOrNull(pid),
      paneDead: dead === '1',
      paneDeadStatus: dead === '1' ? intOrNull(status) : null,
      paneDeadSignal: dead === '1' ? intOrNull(signal) : null,
      paneCurrentCommand: command,
      activity: (intOrNull(activity) ?? 0) * 1000,
    },
  };
}

/** Parsed `list-panes` output: the agent pane of each session, and the server's pid. */
export interface PaneList {
  panes: PaneInfo[];
  serverPid: number | null;
}

/**
 * Parse `list-panes -F PANE_FORMAT` output into one entry per session: its agent pane, the
 * top-left pane of its lowest-numbered window (the same pane `agentPaneTarget` addresses), so
 * a pane the user split off never stands in for the agent. Sessions keep tmux's order.
 */
export function parsePaneList(stdout: string): PaneList {
  const best = new Map<string, Row>();
  let serverPid: number | null = null;
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const row = parseRow(line);
    if (!row) continue;
    serverPid ??= row.serverPid;
    const current = best.get(row.info.name);
    if (!current || isBetter(row, current)) best.set(row.info.name, row);
  }
  return { panes: [...best.values()].map((r) => r.info), serverPid };
}

/**
 * A pane that tmux shows dead but whose process it has not reaped yet: no status, no signal.
 * tmux builds linked with libutempter (Debian's, among others) lose the SIGCHLD of a pane
 * whose process exits while utempter's own SIGCHLD handler is briefly installed (tmux issue
 * #311); the zombie then waits until some other child of the server exits. Measured on 3.3a:
 * ~5% of quick exits, and some kill -9 deaths.
 */
export function isUnreaped(p: PaneInfo): boolean {
  return p.paneDead && p.paneDeadStatus === null && p.paneDeadSignal === null;
}

function isBetter(a: Row, b: Row): boolean {
  if (a.windowIndex !== b.windowIndex) return a.windowIndex < b.windowIndex;
  return a.topLeft && !b.topLeft;
}
