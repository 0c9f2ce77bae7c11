import { agentEnv, capturedSessionId, promptFile, resumePromptOf } from '../common.js';
import { findOptions, firstNo, isYesNo, oneTimeYes } from '../dialog.js';
import { num, parseJsonLine, rec, shorten, str } from '../json.js';
import { matchPanePatterns, screenLines } from '../pane.js';
import { CONTINUE_PROMPT } from '../prompt.js';
import { findLimitReset } from '../reset-time.js';
import { type DialogAnswer, optionListPlan, type ScreenPlan, type SeenDialog } from '../screen-plan.js';
import type {
  AgentAdapter,
  AgentEntryConfig,
  LaunchContext,
  LaunchSpec,
  StatusSignal,
  UsageReport,
} from '../types.js';

/**
 * Google Gemini CLI. NOT installed here and not e2e-tested: flags, stream-json fields and
 * screen texts come from its public docs (geminicli.com/docs/cli/headless, session management)
 * and are marked UNCERTAIN where they may drift.
 *
 * - interactive: `gemini [approval] [args] --prompt-interactive <prompt>` (runs the prompt, stays open).
 * - headless: `gemini [approval] [args] --output-format stream-json --prompt <prompt>`.
 * - resume: the same with `--resume <session id>` (`--prompt-interactive` only with a resumePrompt).
 * - Gemini picks its own session id: `resumable` is false; the id comes from the stream-json
 *   `init` event or the screen, and resume() works once the supervisor has stored it.
 * - Folder trust: newer versions refuse an untrusted folder in headless mode unless
 *   `--skip-trust` is given (UNCERTAIN, not passed: older versions reject unknown flags; add it
 *   to `args` if needed).
 */

/** UNCERTAIN: `--approval-mode` values (default | auto_edit | yolo). */
export function geminiApprovalArgs(mode: AgentEntryConfig['permission_mode']): string[] {
  switch (mode) {
    case 'bypassPermissions':
      return ['--approval-mode', 'yolo'];
    case 'acceptEdits':
      return ['--approval-mode', 'auto_edit'];
    default:
      // `plan` too: the default mode asks before every change (and headless runs refuse them).
      return [];
  }
}

/** The prompt is the value of an option: one starting with "-" would be read as a flag. */
function safePrompt(text: string): string {
  return text.startsWith('-') ? `\n${text}` : text;
}

function spec(ctx: LaunchContext, session: string[], prompt: string | null): LaunchSpec {
  const headless = ctx.mode === 'headless';
  const argv = [
    ctx.config.command,
    ...session,
    ...geminiApprovalArgs(ctx.config.permission_mode),
    ...ctx.config.args,
    ...(headless ? ['--output-format', 'stream-json'] : []),
  ];
  if (prompt === null) return { argv, env: agentEnv(ctx), files: [], promptVia: 'none' };
  const file = promptFile(ctx, safePrompt(prompt));
  return {
    argv: [...argv, headless ? '--prompt' : '--prompt-interactive'],
    env: agentEnv(ctx),
    files: [file],
    promptVia: 'file-arg',
    promptFile: file.path,
  };
}

const launch = (ctx: LaunchContext): LaunchSpec => spec(ctx, [], ctx.promptText);

function resume(ctx: LaunchContext): LaunchSpec {
  const id = capturedSessionId(ctx, 'gemini');
  return spec(ctx, ['--resume', id], resumePromptOf(ctx, ctx.mode === 'headless' ? CONTINUE_PROMPT : null));
}

const stream = (detail: string, resumeAt?: Date | null): StatusSignal => ({
  status: 'working',
  source: 'stream',
  detail: shorten(detail),
  ...(resumeAt ? { resumeAt } : {}),
});

/** Reads a field in snake_case or camelCase (the docs show both). */
const field = (obj: Record<string, unknown> | null, snake: string, camel: string) =>
  num(obj, snake) ?? num(obj, camel);

/** stream-json: init, message, tool_use, tool_result, error, result. Usage is per run. */
function fromStreamLine(
  line: string,
  now: Date = new Date(),
): { status?: StatusSignal; usage?: UsageReport; sessionId?: string } | null {
  const obj = parseJsonLine(line);
  switch (str(obj, 'type')) {
    case 'init': {
      const id = str(obj, 'session_id') ?? str(obj, 'sessionId');
      return { status: stream('session started'), ...(id ? { sessionId: id } : {}) };
    }
    case 'message':
      return { status: stream('writing') };
    case 'tool_use':
      return { status: stream(`${str(obj, 'tool_name') ?? 'tool'}`) };
    case 'tool_result':
      return { status: stream(`ran ${str(obj, 'tool_id') ?? 'tool'}`) };
    case 'error': {
      const message = str(obj, 'message') ?? 'error';
      return { status: stream(`error: ${message}`, detectGeminiUsageLimit(message, now)) };
    }
    case 'result': {
      const stats = rec(obj, 'stats');
      const usage: UsageReport = {
        inputTokens: field(stats, 'input_tokens', 'inputTokens') ?? 0,
        outputTokens: field(stats, 'output_tokens', 'outputTokens') ?? 0,
      };
      const cached = field(stats, 'cached', 'cachedTokens');
      if (cached !== undefined) usage.cacheReadTokens = cached;
      const status = str(obj, 'status') ?? 'done';
      const message = str(rec(obj, 'error'), 'message');
      return {
        status: stream(
          message ? `run ${status}: ${message}` : `run ${status}`,
          message ? detectGeminiUsageLimit(message, now) : null,
        ),
        usage,
      };
    }
    default:
      return null;
  }
}

/** UNCERTAIN: TUI texts ("(esc to cancel, 5s)", "Allow execution of …?", "Type your message"). */
const PATTERNS = {
  needs_permission: [
    /Allow execution|Apply this change\?|Do you want to proceed\?|Waiting for user confirmation/i,
  ],
  working: [/esc to cancel/i],
  needs_input: [/Type your message/i, /^\s*[│|]?\s*>\s/],
};

function fromPane(screen: string): StatusSignal | null {
  const byText = matchPanePatterns(screen, PATTERNS);
  if (byText?.status === 'needs_permission') return byText;
  if (isYesNo(findOptions(screenLines(screen).slice(-20)))) {
    return { status: 'needs_permission', source: 'pane', detail: 'approval requested' };
  }
  return byText;
}

/** The approval list near the bottom of the screen; its identity is the text just above it. */
function readApproval(screen: string): SeenDialog | null {
  const lines = screenLines(screen).slice(-20);
  const options = findOptions(lines);
  if (!isYesNo(options)) return null;
  const above = lines
    .slice(Math.max(0, options.firstLine - 3), options.firstLine)
    .join(' ')
    .trim();
  return { options, identity: shorten(above || 'approval requested') };
}

function answerDialog(screen: string, answer: DialogAnswer): ScreenPlan | null {
  return optionListPlan(readApproval, screen, answer, { yes: oneTimeYes, no: firstNo });
}

/** "Quota exceeded … Please retry in 1h2m3s", "Usage limit reached … Access resets at 4:58 PM PST." */
export function detectGeminiUsageLimit(text: string, now: Date): Date | null {
  return findLimitReset(text, now, /quota|usage limit|rate limit|limit reached/i);
}

const SESSION_RE =
  /(?:gemini (?:--resume|-r)|Session ID:?)\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

export const geminiAdapter: AgentAdapter = {
  kind: 'gemini',
  signals: { hooks: false, stream: true, pane: true },
  resumable: false,
  launch,
  resume,
  fromStreamLine,
  fromPane,
  answerDialog,
  detectUsageLimit: detectGeminiUsageLimit,
  sessionIdFromPane: (screen) => [...screen.matchAll(SESSION_RE)].at(-1)?.[1] ?? null,
};
