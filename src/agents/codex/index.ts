import { agentEnv, capturedSessionId, promptFile, resumePromptOf } from '../common.js';
import { firstNo, oneTimeYes } from '../dialog.js';
import { inputBoxSendPlan } from '../input-box.js';
import { arr, asRecord, num, parseJsonLine, rec, shorten, str } from '../json.js';
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
import { codexSessionIdFromPane, codexStatusFromPane, codexTyped, readCodexApproval } from './screen.js';

/**
 * OpenAI Codex CLI, verified end to end with codex-cli 0.171.0 (the pinned devDependency)
 * against Flotilla's scripted Responses API (src/sim) in a loopback-only namespace: launch,
 * status from the screen and from `exec --json`, approve/deny, exit, resume. See docs/agents.md.
 *
 * - interactive: `codex --no-alt-screen --no-daemon [perm flags] [args] -- <prompt>`; resume:
 *   `codex resume [same flags] -- <id> [prompt]`. Inline mode (`--no-alt-screen`) keeps the
 *   exit message with the thread id on screen; `--no-daemon` keeps the agent in its tmux pane
 *   (with the shared background server, /quit leaves "Any running work continues" elsewhere).
 * - headless: `codex exec --json [flags] [args] -- <prompt>`; resume:
 *   `codex exec --json [flags] [args] resume -- <id> <prompt>` (options go before `resume`).
 * - Codex picks its own session (thread) id, so `resumable` is false: Flotilla learns the id
 *   from `thread.started` (headless) or from "codex resume <id>" printed on exit.
 * - No hooks: status comes from `--json` events (headless) and the screen (debounced).
 * - Not verified here: ChatGPT sign-in and the vendor's usage-limit screens (they need OpenAI's
 *   servers); detectCodexUsageLimit follows the published message texts.
 */

/**
 * `permission_mode` mapped onto codex's flags. 0.171 knows only the approval policies
 * `on-request` (the model asks to run outside the sandbox, which opens the approval prompt) and
 * `never`; `--full-auto` and `untrusted` are gone. `exec` never asks, so it gets only a sandbox.
 */
export function codexPermissionArgs(mode: AgentEntryConfig['permission_mode'], headless = false): string[] {
  if (mode === 'bypassPermissions') return ['--dangerously-bypass-approvals-and-sandbox'];
  const sandbox = mode === 'plan' ? 'read-only' : 'workspace-write';
  return headless ? ['--sandbox', sandbox] : ['--sandbox', sandbox, '--ask-for-approval', 'on-request'];
}

/** Interactive-only flags, see above. */
const TUI_FLAGS = ['--no-alt-screen', '--no-daemon'];

function head(ctx: LaunchContext): string[] {
  const headless = ctx.mode === 'headless';
  const sub = headless ? ['exec', '--json'] : TUI_FLAGS;
  return [
    ctx.config.command,
    ...sub,
    ...codexPermissionArgs(ctx.config.permission_mode, headless),
    ...ctx.config.args,
  ];
}

function withPrompt(ctx: LaunchContext, argv: string[], prompt: string | null): LaunchSpec {
  if (prompt === null) return { argv, env: agentEnv(ctx), files: [], promptVia: 'none' };
  const file = promptFile(ctx, prompt);
  return { argv, env: agentEnv(ctx), files: [file], promptVia: 'file-arg', promptFile: file.path };
}

function launch(ctx: LaunchContext): LaunchSpec {
  return withPrompt(ctx, [...head(ctx), '--'], ctx.promptText);
}

function resume(ctx: LaunchContext): LaunchSpec {
  const id = capturedSessionId(ctx, 'codex');
  if (ctx.mode === 'headless') {
    return withPrompt(ctx, [...head(ctx), 'resume', '--', id], resumePromptOf(ctx, CONTINUE_PROMPT));
  }
  const [command, ...rest] = head(ctx);
  return withPrompt(ctx, [command ?? 'codex', 'resume', ...rest, '--', id], resumePromptOf(ctx, null));
}

const stream = (detail: string, resumeAt?: Date | null): StatusSignal => ({
  status: 'working',
  source: 'stream',
  detail: shorten(detail),
  ...(resumeAt ? { resumeAt } : {}),
});

/**
 * `codex exec --json` events: thread.started {thread_id}, turn.started, item.started|updated|
 * completed {item: {type, …}}, turn.completed {usage}, turn.failed {error}, error {message}.
 * Usage is per turn.
 */
function fromStreamLine(
  line: string,
  now: Date = new Date(),
): { status?: StatusSignal; usage?: UsageReport; sessionId?: string } | null {
  const obj = parseJsonLine(line);
  switch (str(obj, 'type')) {
    case 'thread.started': {
      const id = str(obj, 'thread_id');
      return { status: stream('session started'), ...(id ? { sessionId: id } : {}) };
    }
    case 'turn.started':
      return { status: stream('turn started') };
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      return { status: stream(itemDetail(rec(obj, 'item'))) };
    case 'turn.completed': {
      const u = rec(obj, 'usage');
      const usage: UsageReport = {
        inputTokens: num(u, 'input_tokens') ?? 0,
        outputTokens: num(u, 'output_tokens') ?? 0,
      };
      const cached = num(u, 'cached_input_tokens');
      if (cached !== undefined) usage.cacheReadTokens = cached;
      return { status: stream('turn completed'), usage };
    }
    case 'turn.failed':
    case 'error': {
      const message = str(rec(obj, 'error'), 'message') ?? str(obj, 'message') ?? 'error';
      return { status: stream(`failed: ${message}`, detectCodexUsageLimit(message, now)) };
    }
    default:
      return null;
  }
}

function itemDetail(item: Record<string, unknown> | null): string {
  const type = str(item, 'type') ?? 'item';
  if (type === 'command_execution') return `$ ${str(item, 'command') ?? ''}`;
  if (type === 'file_change') {
    const paths = arr(item, 'changes')
      .map((c) => str(asRecord(c), 'path'))
      .filter(Boolean);
    return `edit ${paths.join(', ')}`;
  }
  if (type === 'mcp_tool_call') return `tool ${str(item, 'tool') ?? ''}`;
  return type.replaceAll('_', ' ');
}

function answerDialog(screen: string, answer: DialogAnswer): ScreenPlan | null {
  return optionListPlan(readCodexApproval, screen, answer, { yes: oneTimeYes, no: firstNo });
}

/** "You've hit your usage limit. … try again in 2 hours 5 minutes." / "… try again at 3:45 PM." */
export function detectCodexUsageLimit(text: string, now: Date): Date | null {
  return findLimitReset(text, now, /usage limit|rate limit reached|hit your (?:\w+ )?limit/i);
}

export const codexAdapter: AgentAdapter = {
  kind: 'codex',
  signals: { hooks: false, stream: true, pane: true },
  resumable: false,
  launch,
  resume,
  fromStreamLine,
  fromPane: codexStatusFromPane,
  answerDialog,
  sendPlan: (screen, text, hints) =>
    inputBoxSendPlan(
      'codex',
      { typed: codexTyped, dialog: (s) => readCodexApproval(s)?.identity ?? null },
      screen,
      text,
      hints,
    ),
  detectUsageLimit: detectCodexUsageLimit,
  sessionIdFromPane: codexSessionIdFromPane,
};
