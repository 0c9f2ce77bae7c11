import { agentEnv, capturedSessionId, promptFile, resumePromptOf } from '../common.js';
import { inputBoxSendPlan } from '../input-box.js';
import { num, parseJsonLine, rec, shorten, str } from '../json.js';
import { CONTINUE_PROMPT } from '../prompt.js';
import { findLimitReset } from '../reset-time.js';
import { type DialogAnswer, optionListPlan, type ScreenPlan } from '../screen-plan.js';
import type {
  AgentAdapter,
  AgentEntryConfig,
  LaunchContext,
  LaunchSpec,
  StatusSignal,
  UsageReport,
} from '../types.js';
import {
  geminiNo,
  geminiOnceYes,
  geminiSessionIdFromPane,
  geminiStatusFromPane,
  geminiTyped,
  readGeminiApproval,
} from './screen.js';

/**
 * Google Gemini CLI, verified end to end with gemini-cli 0.61.0 (the pinned devDependency)
 * against Flotilla's scripted Gemini API (src/sim, GOOGLE_GEMINI_BASE_URL) in a loopback-only
 * namespace: launch, status from the screen and from stream-json, approve/deny, exit, resume.
 * See docs/agents.md.
 *
 * - interactive: `gemini --session-id <uuid> [approval] [args] --prompt-interactive <prompt>`.
 * - headless: `gemini --session-id <uuid> [approval] [args] --output-format stream-json --prompt <prompt>`.
 * - resume: `--resume <uuid>` instead of `--session-id` (`--prompt-interactive` only with a
 *   resumePrompt). Flotilla chooses the id, as with Claude Code, so `resumable` is true.
 * - Folder trust: an untrusted folder makes headless runs exit at once and the TUI ask first.
 *   Trust is the user's call (`~/.gemini/trustedFolders.json`, or GEMINI_CLI_TRUST_WORKSPACE in
 *   the agent's env); Flotilla does not pass `--skip-trust` on its own.
 * - Not verified here: Google sign-in (OAuth, Code Assist) and the vendor's quota screens (they
 *   need Google's servers); detectGeminiUsageLimit follows the published message texts.
 */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--approval-mode` values of 0.61: default | auto_edit | yolo | plan. */
export function geminiApprovalArgs(mode: AgentEntryConfig['permission_mode']): string[] {
  switch (mode) {
    case 'bypassPermissions':
      return ['--approval-mode', 'yolo'];
    case 'acceptEdits':
      return ['--approval-mode', 'auto_edit'];
    case 'plan':
      return ['--approval-mode', 'plan'];
    default:
      // Asks before every change and command (headless runs refuse them).
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

const launch = (ctx: LaunchContext): LaunchSpec =>
  spec(
    ctx,
    ctx.sessionId !== null && UUID_RE.test(ctx.sessionId) ? ['--session-id', ctx.sessionId] : [],
    ctx.promptText,
  );

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

function answerDialog(screen: string, answer: DialogAnswer): ScreenPlan | null {
  return optionListPlan(readGeminiApproval, screen, answer, { yes: geminiOnceYes, no: geminiNo });
}

/** "Quota exceeded … Please retry in 1h2m3s", "Usage limit reached … Access resets at 4:58 PM PST." */
export function detectGeminiUsageLimit(text: string, now: Date): Date | null {
  return findLimitReset(text, now, /quota|usage limit|rate limit|limit reached/i);
}

export const geminiAdapter: AgentAdapter = {
  kind: 'gemini',
  signals: { hooks: false, stream: true, pane: true },
  resumable: true,
  launch,
  resume,
  fromStreamLine,
  fromPane: geminiStatusFromPane,
  answerDialog,
  sendPlan: (screen, text, hints) =>
    inputBoxSendPlan(
      'gemini',
      { typed: geminiTyped, dialog: (s) => readGeminiApproval(s)?.identity ?? null },
      screen,
      text,
      hints,
    ),
  detectUsageLimit: detectGeminiUsageLimit,
  sessionIdFromPane: geminiSessionIdFromPane,
};
