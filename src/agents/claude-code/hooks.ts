import type { AgentMode } from '../../domain/index.js';
import { rec, shorten, str } from '../json.js';
import { hookShellCommand } from '../shell.js';
import type { StatusSignal } from '../types.js';
import { detectClaudeUsageLimit } from './usage-limit.js';

/**
 * Claude Code hooks: the settings file Flotilla passes with `--settings` (the user's and the
 * repo's settings are never edited), and the mapping from hook payloads to statuses.
 * Timings measured in the reference captures: PermissionRequest fires 56–134 ms after the
 * model asks for a tool, just before the dialog is drawn; Notification `permission_prompt`
 * only ~6 s later and `idle_prompt` ~60 s after a turn; Stop at once.
 */

/** Hook events Flotilla installs, in the order Claude Code lists them. */
export const CLAUDE_HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'Notification',
  'UserPromptSubmit',
  'SessionStart',
  'SessionEnd',
  'Stop',
  'StopFailure',
  'PermissionRequest',
] as const;
export type ClaudeHookEvent = (typeof CLAUDE_HOOK_EVENTS)[number];

/** Events whose matcher is a tool name; for the others an absent matcher matches everything. */
const TOOL_EVENTS: ReadonlySet<string> = new Set([
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PermissionRequest',
]);

/** Seconds Claude Code waits for one hook; `flotilla hook` appends a line and returns long before. */
export const HOOK_TIMEOUT_S = 10;

/** The `--settings` file content: one command hook per event, running `hookArgv <event>`. */
export function hookSettings(hookArgv: readonly string[]): { hooks: Record<string, unknown[]> } {
  const hooks: Record<string, unknown[]> = {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    const command = { type: 'command', command: hookShellCommand(hookArgv, event), timeout: HOOK_TIMEOUT_S };
    hooks[event] = [TOOL_EVENTS.has(event) ? { matcher: '*', hooks: [command] } : { hooks: [command] }];
  }
  return { hooks };
}

/** "Bash: git commit -m …", "Edit: src/a.ts": what a tool call is about, in one short line. */
export function toolSummary(payload: Record<string, unknown>): string {
  const tool = str(payload, 'tool_name') ?? 'tool';
  const input = rec(payload, 'tool_input');
  const subject =
    str(input, 'command') ??
    str(input, 'file_path') ??
    str(input, 'path') ??
    str(input, 'url') ??
    str(input, 'pattern') ??
    str(input, 'description') ??
    str(input, 'prompt');
  return shorten(subject === undefined ? tool : `${tool}: ${subject}`);
}

const sig = (status: StatusSignal['status'], detail?: string, resumeAt?: Date): StatusSignal => ({
  status,
  source: 'hook',
  ...(detail === undefined ? {} : { detail }),
  ...(resumeAt === undefined ? {} : { resumeAt }),
});

/**
 * Map one hook payload to a status; null for events that change nothing and for malformed
 * payloads. `now` resolves relative reset times ("resets 4am") of a StopFailure; pass the time
 * the hook fired when replaying old events.
 */
export function claudeStatusFromHook(
  payload: Record<string, unknown>,
  mode: AgentMode,
  now: Date = new Date(),
): StatusSignal | null {
  const event = str(payload, 'hook_event_name');
  const interactive = mode === 'interactive';
  switch (event) {
    case 'SessionStart': {
      // Headless: the prompt came on the command line. Interactive first start: Flotilla always
      // passes the task as the initial prompt, which is submitted at once (UserPromptSubmit
      // follows), so saying "waiting for you" here would be a false alarm; keep `starting`.
      // A resume without a prompt really does wait for the user.
      if (!interactive) return sig('working', 'session started');
      const source = str(payload, 'source') ?? 'started';
      return source === 'startup' ? null : sig('needs_input', `session ${source}`);
    }
    case 'UserPromptSubmit':
      return sig('working', shorten(`prompt: ${str(payload, 'prompt') ?? ''}`));
    case 'PreToolUse':
      return sig('working', toolSummary(payload));
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return sig('working', `${event === 'PostToolUse' ? 'ran' : 'failed'} ${toolSummary(payload)}`);
    case 'PermissionRequest':
      // Headless runs cannot show a dialog: the call is denied, and the turn goes on.
      return interactive
        ? sig('needs_permission', toolSummary(payload))
        : sig('working', `needs approval, denied in headless mode: ${toolSummary(payload)}`);
    case 'Notification':
      return fromNotification(payload, interactive);
    case 'Stop':
      // Headless: the process exits after its last turn; liveness says `exited`.
      return interactive ? sig('needs_input', 'turn ended') : sig('working', 'turn ended');
    case 'StopFailure':
      return fromStopFailure(payload, interactive, now);
    default:
      // SessionEnd: the process is about to exit; liveness (pane_dead) is the truth.
      return null;
  }
}

function fromNotification(payload: Record<string, unknown>, interactive: boolean): StatusSignal | null {
  const type = str(payload, 'notification_type');
  const message = str(payload, 'message');
  if (!interactive) return null;
  if (type === 'permission_prompt')
    return sig('needs_permission', shorten(message ?? 'permission requested'));
  if (type === 'idle_prompt') return sig('needs_input', shorten(message ?? 'waiting for input'));
  return null;
}

function fromStopFailure(payload: Record<string, unknown>, interactive: boolean, now: Date): StatusSignal {
  const error = str(payload, 'error') ?? 'unknown';
  const text = [str(payload, 'error_details'), str(payload, 'last_assistant_message')]
    .filter((t): t is string => t !== undefined)
    .join('\n');
  const resumeAt = detectClaudeUsageLimit(text, now) ?? undefined;
  const detail = shorten(`turn failed (${error})${text === '' ? '' : `: ${text}`}`);
  // After a failed turn the TUI waits at its prompt; a headless run exits next.
  return sig(interactive ? 'needs_input' : 'working', detail, resumeAt);
}
