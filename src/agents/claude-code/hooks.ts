import { ASK_USER_TOOL_FQN, questionDetail } from '../../domain/agent-tools.js';
import type { AgentMode } from '../../domain/index.js';
import { rec, shorten, str } from '../json.js';
import { questionAsked } from '../question.js';
import { hookShellCommand } from '../shell.js';
import { subjectOf } from '../tool-call.js';
import type { StatusSignal } from '../types.js';
import { HOOK_SHELL } from './hook-script.js';
import { claudeRunEnd } from './run-result.js';
import { toolSummary } from './tool-summary.js';

// Its own file so that run-result.ts (which hooks.ts reads) does not import hooks.ts back.
export { toolSummary } from './tool-summary.js';

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

/** Seconds Claude Code waits for one hook; the hook appends a line and returns long before. */
export const HOOK_TIMEOUT_S = 10;

/**
 * The `--settings` file content: one command hook per event. Every event runs the agent's sh
 * hook script (`/bin/sh <agentDir>/hook.sh <event>`, hook-script.ts) when `script` is given:
 * Claude Code waits for each hook in turn, so none of them may start Node on the agent's path.
 * Without a script (no /bin/sh), `hookArgv <event>` (`flotilla hook`, Node) is the command.
 */
export function hookSettings(
  hookArgv: readonly string[],
  script: string | null = null,
): { hooks: Record<string, unknown[]> } {
  const argv = script === null ? hookArgv : [HOOK_SHELL, script];
  const hooks: Record<string, unknown[]> = {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    const command = { type: 'command', command: hookShellCommand(argv, event), timeout: HOOK_TIMEOUT_S };
    hooks[event] = [TOOL_EVENTS.has(event) ? { matcher: '*', hooks: [command] } : { hooks: [command] }];
  }
  return { hooks };
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
      // Resumed or cleared: the agent waits for the user's next message, having asked nothing.
      return source === 'startup' ? null : sig('idle', `session ${source}`);
    }
    case 'UserPromptSubmit':
      return sig('working', shorten(`prompt: ${str(payload, 'prompt') ?? ''}`));
    case 'PreToolUse':
      // AskUserQuestion is the agent asking: its dialog waits on the user's answer.
      if (interactive && str(payload, 'tool_name') === 'AskUserQuestion') {
        return sig('needs_input', shorten(`asks: ${askedQuestions(payload) ?? 'a question'}`));
      }
      // Flotilla's own ask_user tool (headless too): the call waits for `flotilla answer`.
      if (str(payload, 'tool_name') === ASK_USER_TOOL_FQN) {
        return sig(
          'needs_input',
          questionDetail(str(rec(payload, 'tool_input'), 'question') ?? 'a question'),
        );
      }
      return sig('working', toolSummary(payload));
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return sig('working', `${event === 'PostToolUse' ? 'ran' : 'failed'} ${toolSummary(payload)}`);
    case 'PermissionRequest':
      // Headless runs cannot show a dialog: the call is denied, and the turn goes on.
      return interactive
        ? { ...sig('needs_permission', toolSummary(payload)), permission: permissionOf(payload) }
        : sig('working', `needs approval, denied in headless mode: ${toolSummary(payload)}`);
    case 'Notification':
      return fromNotification(payload, interactive);
    case 'Stop':
      return fromStop(payload, interactive);
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
  // `idle_prompt` comes ~60 s after any turn end: it says nothing the Stop hook did not, and must
  // not turn a finished agent (or one waiting out a usage limit) into "waiting for you".
  return null;
}

/**
 * A turn that ended on an API error (`error`: rate_limit, invalid_request, unknown… — 2.1.197
 * calls a 400 "unknown"; the text says `API Error: 400 …`). A limit is `rate_limited` with its
 * reset when the text has one (Flotilla resumes once, at the reset or after a capped backoff);
 * anything else: the TUI waits at its prompt with the error shown (`needs_input`), and a
 * headless run exits next, ended as the error says (run-end.ts).
 */
function fromStopFailure(payload: Record<string, unknown>, interactive: boolean, now: Date): StatusSignal {
  const error = str(payload, 'error') ?? 'unknown';
  const text = [str(payload, 'error_details'), str(payload, 'last_assistant_message')]
    .filter((t): t is string => t !== undefined)
    .join('\n');
  const runEnd = claudeRunEnd(error, text, now);
  const detail = shorten(`turn failed (${error})${text === '' ? '' : `: ${text}`}`, 300);
  if (runEnd.outcome === 'rate_limited') {
    return { ...sig('rate_limited', detail, runEnd.resumeAt), runEnd };
  }
  return interactive ? sig('needs_input', detail) : { ...sig('working', detail), runEnd };
}

/**
 * A turn ended. Interactive: `needs_input` when its last message asks the user something (the
 * rule in ../question.ts), else `idle` — finished, the user's move, nothing waits on them.
 * Headless: the process exits after its last turn; liveness says `exited`.
 */
function fromStop(payload: Record<string, unknown>, interactive: boolean): StatusSignal {
  const message = str(payload, 'last_assistant_message');
  const withMessage = (s: StatusSignal): StatusSignal =>
    message === undefined ? s : { ...s, lastMessage: message };
  if (!interactive) return withMessage(sig('working', 'turn ended'));
  const question = questionAsked(message);
  return withMessage(
    question === null ? sig('idle', 'finished its turn') : sig('needs_input', shorten(`asks: ${question}`)),
  );
}

/** The questions of an AskUserQuestion call (`questions: [{question, options…}]`), joined. */
function askedQuestions(payload: Record<string, unknown>): string | null {
  const input = rec(payload, 'tool_input');
  const list = input && Array.isArray(input.questions) ? input.questions : [];
  const texts = list
    .map((q) => (q !== null && typeof q === 'object' ? (q as Record<string, unknown>).question : undefined))
    .filter((q): q is string => typeof q === 'string' && q.trim() !== '');
  return texts.length === 0 ? null : texts.join(' / ');
}

/** What a PermissionRequest asks to run: the tool, its subject, and for Edit/Write a diff. */
export function permissionOf(payload: Record<string, unknown>): NonNullable<StatusSignal['permission']> {
  const tool = str(payload, 'tool_name') ?? 'a tool';
  const input = rec(payload, 'tool_input') ?? {};
  return { tool, subject: subjectOf(input), diff: toolDiff(tool, input), input };
}

/** A unified-style diff of what an Edit, MultiEdit or Write call would change, or null. */
function toolDiff(tool: string, input: Record<string, unknown>): string | null {
  // A text's final newline ends its last line; it is not one more (empty) line of the diff.
  const lines = (text: string, mark: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `${mark}${l}`)
      .join('\n');
  const file = str(input, 'file_path');
  const header = file === undefined ? '' : `--- ${file}\n+++ ${file}\n`;
  if (tool === 'Write') {
    // The whole new content; what it replaces (if the file exists) is not in the request.
    const content = str(input, 'content');
    return content === undefined
      ? null
      : `+++ ${file ?? 'the file'} (whole new content)\n${lines(content, '+')}`;
  }
  const edits =
    tool === 'MultiEdit' && Array.isArray(input.edits)
      ? input.edits.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
      : tool === 'Edit'
        ? [input]
        : [];
  const hunks = edits.flatMap((e) => {
    const before = str(e, 'old_string');
    const after = str(e, 'new_string');
    return before === undefined || after === undefined
      ? []
      : [`@@\n${lines(before, '-')}\n${lines(after, '+')}`];
  });
  return hunks.length === 0 ? null : `${header}${hunks.join('\n')}`;
}
