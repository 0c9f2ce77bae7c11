import { FlotillaError } from '../domain/errors.js';

/** Every session Flotilla creates is named `flotilla-<agentId>`, so strays are recognisable. */
export const SESSION_PREFIX = 'flotilla-';

/**
 * Session names Flotilla accepts: tmux itself forbids `.` and `:` (target separators) and
 * rewrites unprintable characters; we go further and allow only letters, digits, `_` and `-`
 * so a name never needs quoting anywhere (targets, shell-free argv, logs, URLs).
 */
const SESSION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export function isValidSessionName(name: string): boolean {
  return SESSION_NAME.test(name);
}

export function assertSessionName(name: string): string {
  if (!isValidSessionName(name)) {
    throw new FlotillaError('INVALID_INPUT', `invalid tmux session name '${name}'`, {
      hint: 'session names are 1-80 letters, digits, _ or - (tmux forbids . and :)',
    });
  }
  return name;
}

/** The tmux session name of an agent. */
export function sessionNameFor(agentId: string): string {
  return assertSessionName(`${SESSION_PREFIX}${agentId}`);
}

/** The agent id inside a Flotilla session name, or null for any other session. */
export function agentIdOfSession(name: string): string | null {
  return name.startsWith(SESSION_PREFIX) && name.length > SESSION_PREFIX.length
    ? name.slice(SESSION_PREFIX.length)
    : null;
}

/**
 * Targets. `=` asks tmux for an exact name (without it `-t flotilla-ab` may pick
 * `flotilla-abc`). The agent's pane is the top-left pane of the lowest-numbered window: the pane
 * Flotilla created stays there when a user attaches and splits the window or opens another one,
 * whereas the bare `=name:` would follow the user's focus into their new pane.
 */
export function sessionTarget(name: string): string {
  return `=${assertSessionName(name)}`;
}

export function agentPaneTarget(name: string): string {
  return `=${assertSessionName(name)}:{start}.{top-left}`;
}
