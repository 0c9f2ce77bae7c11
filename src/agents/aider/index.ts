import { join } from 'node:path';
import { agentEnv, promptFile, resumePromptOf } from '../common.js';
import { shorten } from '../json.js';
import { screenLines } from '../pane.js';
import { CONTINUE_PROMPT } from '../prompt.js';
import { findLimitReset } from '../reset-time.js';
import { type DialogAnswer, letterPlan, type ScreenPlan } from '../screen-plan.js';
import type { AgentAdapter, LaunchContext, LaunchSpec, StatusSignal, UsageReport } from '../types.js';

/**
 * Aider. NOT installed here and not e2e-tested: flags and screen texts come from its public
 * docs (aider.chat/docs/config/options.html) and are marked UNCERTAIN where they may drift.
 *
 * - interactive: `aider [flags] [args]`, the prompt typed in once it is ready (`send-keys`).
 *   A multi-line prompt is wrapped in aider's `{flotilla … flotilla}` block so each line does
 *   not submit on its own.
 * - headless: `aider [flags] [args] --message-file <prompt file>` (one message, then exit).
 * - Its chat history lives in the agent's dir, so `--restore-chat-history` resumes exactly this
 *   agent's conversation and the worktree gets no `.aider.chat.history.md`.
 * - `--yes-always` only with `permission_mode: bypassPermissions`; `--no-auto-commits` when
 *   auto_commit is off (aider commits each edit itself otherwise); `--no-gitignore` so aider
 *   never edits the repo's .gitignore (nor asks to).
 */

const HISTORY = 'aider.chat.history.md';
const INPUT_HISTORY = 'aider.input.history';

function flags(ctx: LaunchContext, restore: boolean): string[] {
  const c = ctx.config;
  return [
    c.command,
    '--chat-history-file',
    join(ctx.agentDir, HISTORY),
    '--input-history-file',
    join(ctx.agentDir, INPUT_HISTORY),
    '--no-gitignore',
    ...(restore ? ['--restore-chat-history'] : []),
    ...(c.auto_commit ? [] : ['--no-auto-commits']),
    ...(c.permission_mode === 'bypassPermissions' ? ['--yes-always'] : []),
    // UNCERTAIN: these skip the update and release-notes questions of a first run.
    ...(c.skip_first_run_dialogs ? ['--no-check-update', '--no-show-release-notes'] : []),
    ...(ctx.mode === 'headless' ? ['--no-pretty'] : []),
    ...c.args,
  ];
}

/** Lines typed one by one would each be sent: aider reads `{tag` … `tag}` as one message. */
function typedPrompt(text: string): string {
  const body = text.trimEnd();
  return body.includes('\n') ? `{flotilla\n${body}\nflotilla}` : body;
}

function spec(ctx: LaunchContext, restore: boolean, prompt: string | null): LaunchSpec {
  const argv = flags(ctx, restore);
  if (prompt === null) return { argv, env: agentEnv(ctx), files: [], promptVia: 'none' };
  if (ctx.mode === 'headless') {
    const file = promptFile(ctx, prompt);
    return {
      argv: [...argv, '--message-file', file.path],
      env: agentEnv(ctx),
      files: [file],
      promptVia: 'none',
    };
  }
  const file = promptFile(ctx, typedPrompt(prompt));
  return { argv, env: agentEnv(ctx), files: [file], promptVia: 'send-keys', promptFile: file.path };
}

const launch = (ctx: LaunchContext): LaunchSpec => spec(ctx, false, ctx.promptText);
const resume = (ctx: LaunchContext): LaunchSpec =>
  spec(ctx, true, resumePromptOf(ctx, ctx.mode === 'headless' ? CONTINUE_PROMPT : null));

/** "Tokens: 12k sent, 1.2k received. Cost: $0.05 message, $0.20 session." — usage per message. */
function fromStreamLine(line: string): { status?: StatusSignal; usage?: UsageReport } | null {
  const m =
    /Tokens:\s*([\d.,]+[kKmM]?)\s+sent(?:,\s*([\d.,]+[kKmM]?)\s+cache write)?(?:,\s*([\d.,]+[kKmM]?)\s+cache hit)?,\s*([\d.,]+[kKmM]?)\s+received/.exec(
      line,
    );
  if (!m) return null;
  const usage: UsageReport = { inputTokens: tokens(m[1]), outputTokens: tokens(m[4]) };
  if (m[2] !== undefined) usage.cacheWriteTokens = tokens(m[2]);
  if (m[3] !== undefined) usage.cacheReadTokens = tokens(m[3]);
  const cost = /Cost:\s*\$([\d.]+)\s+message/.exec(line);
  if (cost) usage.costUsd = Number(cost[1]);
  return { usage, status: { status: 'working', source: 'stream', detail: 'message done' } };
}

function tokens(text: string | undefined): number {
  const m = /^([\d.,]+)([kKmM]?)$/.exec(text ?? '');
  if (!m) return 0;
  const n = Number((m[1] ?? '0').replaceAll(',', ''));
  const scale = m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1;
  return Math.round(n * scale);
}

/** "Add src/a.py to the chat? (Y)es/(N)o [Yes]:" and its longer variants. UNCERTAIN wording. */
const QUESTION_RE = /\(Y\)es\/\(N\)o.*\[(?:Yes|No)\]:\s*$/;
/** The input prompt: "> ", "architect> ", "ask> ", "multi> ". */
const PROMPT_RE = /^(?:[\w-]+)?>\s*$/;

/**
 * Aider draws no spinner while it streams an answer, so: a question on the last line →
 * needs_permission, its input prompt → needs_input, any other last line → working (debounced
 * by the caller, so a still screen mid-answer is not taken for more than it is).
 */
function fromPane(screen: string): StatusSignal | null {
  const last = screenLines(screen)
    .filter((l) => l.trim() !== '')
    .at(-1);
  if (last === undefined) return null;
  if (QUESTION_RE.test(last)) return { status: 'needs_permission', source: 'pane', detail: shorten(last) };
  if (PROMPT_RE.test(last.trim()))
    return { status: 'needs_input', source: 'pane', detail: 'waiting for input' };
  return { status: 'working', source: 'pane', detail: shorten(last) };
}

/** The y/n question on the last line, or null. */
function question(screen: string): string | null {
  const last = screenLines(screen)
    .filter((l) => l.trim() !== '')
    .at(-1);
  return last !== undefined && QUESTION_RE.test(last) ? last : null;
}

/** Aider asks y/n questions: a letter and Enter answer them. */
function answerDialog(screen: string, answer: DialogAnswer): ScreenPlan | null {
  return letterPlan(question, screen, answer);
}

/** litellm rate-limit errors: "… Please try again in 20s", "… retry after 2026-11-25T03:00:00Z". */
export function detectAiderUsageLimit(text: string, now: Date): Date | null {
  return findLimitReset(text, now, /RateLimitError|rate limit|usage limit|quota/i);
}

export const aiderAdapter: AgentAdapter = {
  kind: 'aider',
  signals: { hooks: false, stream: false, pane: true },
  resumable: true,
  launch,
  resume,
  fromStreamLine,
  fromPane,
  answerDialog,
  detectUsageLimit: detectAiderUsageLimit,
};
