import type { TmuxClient } from './client.js';
import { tmuxArg } from './escape.js';
import { sessionTarget } from './names.js';

/** Where `flotilla attach` runs. */
export interface AttachOptions {
  /** $TMUX is set: the user's terminal is itself a tmux pane. */
  insideTmux: boolean;
  /** The value of $TMUX (`socket,pid,session`), to tell whether it is Flotilla's server. */
  currentTmux?: string;
}

/**
 * The argv `flotilla attach` execs. Three cases:
 *
 * - Outside tmux: `tmux -L flotilla attach-session -t =NAME`; the terminal becomes the agent's.
 * - Inside a client of Flotilla's own server already: `switch-client`, since attaching from
 *   within would nest the server in itself (tmux refuses).
 * - Inside the user's own tmux (another server): a plain attach would nest one tmux in the
 *   current pane and take over the shell the user typed in. Instead we ask the user's tmux for a
 *   new window named after the session, running the attach with TMUX unset (tmux refuses to
 *   start a client when TMUX is set). The user's pane stays free, the agent gets a window of
 *   its own that closes on detach, and the user's tmux key bindings keep working around it.
 *   The inner tmux still has its own prefix: detach with the prefix pressed twice.
 */
export function attachArgv(client: TmuxClient, name: string, options: AttachOptions): string[] {
  const target = sessionTarget(name);
  const ours = [client.command, ...client.socketArgs, '-f', client.configFile];
  if (!options.insideTmux) return [...ours, 'attach-session', '-t', target];
  const socket = options.currentTmux?.split(',')[0];
  if (socket !== undefined && socket === client.socketPath) {
    return [...ours, 'switch-client', '-t', target];
  }
  // These arguments pass through the user's tmux command parser: escape as for ours.
  const inner = ['env', '-u', 'TMUX', ...ours, 'attach-session', '-t', target].map(tmuxArg);
  return [client.command, 'new-window', '-n', name, '--', ...inner];
}
