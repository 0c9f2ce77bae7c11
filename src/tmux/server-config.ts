import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FlotillaError } from '../domain/errors.js';

/**
 * The config Flotilla's own tmux server starts with (`tmux -L flotilla -f <this file>`).
 *
 * First what the agents need, whoever the user is: Claude Code warns in its pane when
 * `focus-events` is off (tmux's default), Esc must reach it at once (tmux waits 500 ms by default
 * to tell Esc from an Alt key), and `extended-keys` lets Shift+Enter and other modified keys
 * through to it. `-q`: an older tmux without one of these options still starts.
 *
 * Then, when `tmux.config` names a file, that file: the user's key bindings and looks when they
 * attach (it may change the settings above too; that is theirs to choose). Without it the server
 * reads nothing else: a user's ~/.tmux.conf (base-index, default-command, hooks) must not change
 * how agents' sessions behave unless they ask for it.
 *
 * The file is read when the server starts; a server that is already running keeps its settings
 * until its last agent session ends (or `tmux -L <socket> source-file <file>`).
 */
export const AGENT_TMUX_OPTIONS: readonly (readonly [scope: '-g' | '-s', name: string, value: string])[] = [
  ['-g', 'focus-events', 'on'],
  ['-s', 'escape-time', '10'],
  ['-s', 'extended-keys', 'on'],
];

export function serverConfigText(userConfig: string | null): string {
  const lines = [
    '# Written by Flotilla at each daemon start for its own tmux server; edits here are lost.',
    '# Your own settings go in the file named by the tmux.config key, sourced at the end.',
    ...AGENT_TMUX_OPTIONS.map(([scope, name, value]) => `set-option ${scope}q ${name} ${value}`),
  ];
  if (userConfig !== null) lines.push(`source-file ${configQuote(userConfig)}`);
  return `${lines.join('\n')}\n`;
}

/** A word of tmux's config syntax: single quotes take everything literally but a single quote. */
function configQuote(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** Writes the server config to `file` and returns its path; a missing tmux.config file is refused. */
export function writeServerConfig(file: string, userConfig: string | null): string {
  if (userConfig !== null && !existsSync(userConfig)) {
    throw new FlotillaError('CONFIG_INVALID', `tmux.config names ${userConfig}, which does not exist`, {
      hint: 'point tmux.config at your tmux config file (e.g. ~/.tmux.conf), or remove the key',
    });
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, serverConfigText(userConfig), { mode: 0o644 });
  return file;
}
