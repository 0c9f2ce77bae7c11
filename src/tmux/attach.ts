import type { TmuxClient } from './client.js';
import { tmuxArg } from './escape.js';
import { sessionTarget } from './names.js';

/** Where `flotilla attach` runs. */
export interface AttachOptions {
  /** $TMUX is set: the user's terminal is itself a tmux pane. */
  insideTmux: boolean;
  /** The value of $TMUX (`socket,pid,session`), to tell whether it is Flotilla's server. */
  currentTmux?: string;
  /** Flotilla's server socket (for detachHint; attachArgv reads it from the client). */
  socketPath?: string;
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

/** `C-b` → `Ctrl-b`, `M-a` → `Alt-a`: a tmux key as a person says it. */
export function keyWords(key: string): string {
  return key.replace(/^C-/, 'Ctrl-').replace(/^M-/, 'Alt-').replace(/^S-/, 'Shift-');
}

/**
 * The prefix key of a tmux server (`show-options -gv prefix`), or null when it cannot be read.
 * `socketArgs` empty and TMUX set: the user's own tmux (the server their terminal is in).
 */
export async function tmuxPrefix(
  command: string,
  socketArgs: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  const { run } = await import('../proc/index.js');
  const r = await run(command, [...socketArgs, 'show-options', '-gv', 'prefix'], {
    env,
    allowFailure: true,
    timeoutMs: 3000,
  }).catch(() => null);
  const key = r?.code === 0 ? r.stdout.trim() : '';
  return key === '' || key === 'None' ? null : key;
}

/**
 * How to get back from `flotilla attach`, for each way it attaches (see attachArgv). `ours` is
 * the prefix of Flotilla's server (C-b unless tmux.config changes it), `theirs` the prefix of the
 * user's own tmux when attach runs inside it. When both are the same key, a single press goes to
 * the user's tmux (and would detach *it*); pressed twice, the user's tmux passes it on
 * (send-prefix, bound to the prefix key by default).
 */
export function detachHint(options: AttachOptions & { ours: string; theirs?: string | null }): string {
  const ours = keyWords(options.ours);
  if (!options.insideTmux) return `detach with ${ours} d — the agent keeps running`;
  const socket = options.currentTmux?.split(',')[0];
  if (options.socketPath !== undefined && socket === options.socketPath) {
    return `switched this client to it; back to your previous session: ${ours} L — the agent keeps running`;
  }
  const theirs = options.theirs ? keyWords(options.theirs) : null;
  const keys =
    theirs === ours ? `${ours} ${ours} d (press ${ours} twice: the first goes to your tmux)` : `${ours} d`;
  return `opened in a new window of your tmux; detach with ${keys} and the window closes — the agent keeps running`;
}

/** detachHint with both prefixes read from the live servers (C-b when ours cannot be read). */
export async function detachHintFor(client: TmuxClient, env: NodeJS.ProcessEnv): Promise<string> {
  const insideTmux = Boolean(env.TMUX);
  const [ours, theirs] = await Promise.all([
    tmuxPrefix(client.command, [...client.socketArgs, '-f', client.configFile], client.env),
    insideTmux ? tmuxPrefix(client.command, [], env) : Promise.resolve(null),
  ]);
  return detachHint({
    insideTmux,
    ...(env.TMUX ? { currentTmux: env.TMUX } : {}),
    socketPath: client.socketPath,
    ours: ours ?? 'C-b',
    theirs,
  });
}
