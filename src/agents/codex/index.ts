import { agentEnv, capturedSessionId, promptFile, resumePromptOf } from '../common.js';
import { findOptions, firstNo, isYesNo, oneTimeYes } from '../dialog.js';
import { arr, asRecord, num, parseJsonLine, rec, shorten, str } from '../json.js';
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
 * OpenAI Codex CLI. NOT installed here and not e2e-tested: flags and screen texts come from its
 * public docs and source (codex-rs 0.4x–0.169) and are marked UNCERTAIN where they may drift.
 *
 * - interactive: `codex [perm flags] [args] -- <prompt>`; resume: `codex resume [flags] -- <id> [prompt]`.
 * - headless: `codex exec --json [flags] [args] -- <prompt>`; resume:
 *   `codex exec --json [flags] [args] resume -- <id> <prompt>` (options go before `resume`).
 * - Codex picks its own session (thread) id, so `resumable` is false: Flotilla learns the id
 *   from `thread.started` (headless) or from "codex resume <id>" printed on exit, and resume()
 *   works once the supervisor has stored it.
 * - No hooks: status comes from `--json` events (headless) and pane patterns (debounced).
 */

/** `permission_mode` mapped onto codex's sandbox/approval flags. UNCERTAIN across versions. */
export function codexPermissionArgs(mode: AgentEntryConfig['permission_mode']): string[] {
  switch (mode) {
    case 'bypassPermissions':
      return ['--dangerously-bypass-approvals-and-sandbox'];
    case 'acceptEdits':
      // workspace-write sandbox, approval only when the model asks for more.
      return ['--full-auto'];
    case 'plan':
      return ['--sandbox', 'read-only'];
    default:
      return [];
  }
}

function head(ctx: LaunchContext): string[] {
  const sub = ctx.mode === 'headless' ? ['exec', '--json'] : [];
  return [ctx.config.command, ...sub, ...codexPermissionArgs(ctx.config.permission_mode), ...ctx.config.args];
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

/** UNCERTAIN: screen texts of the codex TUI (approval overlay, status line, composer footer). */
const PATTERNS = {
  needs_permission: [/Would you like to (?:run|make|apply)/i, /Allow command\?|Approve\b.*\?/i],
  working: [/esc to interrupt/i, /^\s*[•◦·]\s*Working\b/i],
  needs_input: [/send\s+.*newline|⏎ send|\? for shortcuts|context left/i, /^\s*[›▌>]\s/],
};

function fromPane(screen: string): StatusSignal | null {
  // The overlay's wording changes between versions; a yes/no option list does not.
  if (isYesNo(findOptions(screenLines(screen).slice(-20)))) {
    return { status: 'needs_permission', source: 'pane', detail: 'approval requested' };
  }
  return matchPanePatterns(screen, PATTERNS);
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

/** "You've hit your usage limit. … try again in 2 hours 5 minutes." / "… try again at 3:45 PM." */
export function detectCodexUsageLimit(text: string, now: Date): Date | null {
  return findLimitReset(text, now, /usage limit|rate limit reached|hit your (?:\w+ )?limit/i);
}

const SESSION_RE = /codex resume ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

export const codexAdapter: AgentAdapter = {
  kind: 'codex',
  signals: { hooks: false, stream: true, pane: true },
  resumable: false,
  launch,
  resume,
  fromStreamLine,
  fromPane,
  answerDialog,
  detectUsageLimit: detectCodexUsageLimit,
  sessionIdFromPane: (screen) => [...screen.matchAll(SESSION_RE)].at(-1)?.[1] ?? null,
};
