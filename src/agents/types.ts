import type { ConversationEntryDraft } from '../domain/conversation.js';
import type { AgentMode, AgentStatus, PendingPermission, StatusSource, Task } from '../domain/index.js';
import type { ADAPTER_KINDS } from '../domain/values.js';
import type { RunEnd } from './run-end.js';
import type { DialogAnswer, ScreenPlan } from './screen-plan.js';

/**
 * The contract between the supervisor and one kind of agent CLI. An adapter is pure: it builds
 * argv, env and files, and interprets signals (hook payloads, stream lines, pane text). It never
 * spawns anything itself — the supervisor does that through tmux/ and proc/.
 */

/** Which status signals an adapter can offer, best first. Liveness (tmux + /proc) is always on. */
export interface AdapterSignals {
  /** The agent calls `flotilla hook` (Claude Code hooks). */
  hooks: boolean;
  /** Headless output is machine-readable (stream-json lines in the pane log). */
  stream: boolean;
  /** Pane text matched against patterns (debounced). The fallback for every agent. */
  pane: boolean;
}

/** What an adapter gets to build a launch. */
export interface LaunchContext {
  agentId: string;
  task: Pick<Task, 'id' | 'title' | 'prompt'>;
  /** The text the agent is asked to do: the task prompt, plus Flotilla's instructions (e.g. commit). */
  promptText: string;
  worktreePath: string;
  mode: AgentMode;
  /** Flotilla-chosen conversation id (uuid) for exact resume; null if the adapter has none. */
  sessionId: string | null;
  /** Per-agent state dir (<FLOTILLA_HOME>/agents/<id>): settings, prompt and events files live here. */
  agentDir: string;
  /** argv that runs `flotilla hook` (absolute node + script paths); the adapter embeds it in hook config. */
  hookArgv: string[];
  /** The resolved agent entry from config (`agents.<name>`). */
  config: AgentEntryConfig;
  /** HOME the agent will see (the user's own in real use; a temp one in tests and the demo). */
  home: string;
  /**
   * resume() only: a message to send once the conversation is loaded (e.g. CONTINUE_PROMPT after
   * a usage limit reset). Absent: none in interactive mode; headless runs use CONTINUE_PROMPT.
   */
  resumePrompt?: string;
}

/** The config of one agent entry, as the adapter needs it (mirrors `agents.<name>` in config). */
export interface AgentEntryConfig {
  adapter: AdapterKind;
  command: string;
  args: string[];
  env: Record<string, string>;
  mode: AgentMode;
  permission_mode: 'default' | 'acceptEdits' | 'plan' | 'bypassPermissions';
  skip_first_run_dialogs: boolean;
  auto_commit: boolean;
  /** custom adapter only: how the prompt reaches the command (default `arg`: last argument). */
  prompt_via?: 'arg' | 'stdin' | 'send-keys' | 'none';
  /**
   * custom adapter only: regexes (JavaScript, case-insensitive) tried on the last 15 non-blank
   * pane lines, trailing spaces removed.
   */
  pane_patterns?: Partial<Record<'working' | 'needs_input' | 'needs_permission', string[]>>;
}

export type AdapterKind = (typeof ADAPTER_KINDS)[number];

/** A file the supervisor writes before launching (mode 0600 unless said otherwise). */
export interface LaunchFile {
  path: string;
  content: string;
  mode?: number;
}

/**
 * How to start the agent process. `argv[0]` is the command (resolved on PATH by the supervisor,
 * which fails with a clear error if it is missing). The prompt never goes through a shell: it is
 * either an argv element or read from `promptFile` by the launcher.
 */
export interface LaunchSpec {
  argv: string[];
  env: Record<string, string>;
  files: LaunchFile[];
  /**
   * `argv`: the prompt is already inside argv. `file-arg`: append the contents of `promptFile`
   * as the last argv element at exec time (keeps tmux's command line short for long prompts).
   * `stdin`: feed `promptFile` on stdin. `send-keys`: type it into the TUI once it is ready.
   * `none`: no initial prompt.
   */
  promptVia: 'argv' | 'file-arg' | 'stdin' | 'send-keys' | 'none';
  promptFile?: string;
}

/** A status change an adapter derived from a signal. */
export interface StatusSignal {
  status: AgentStatus;
  source: StatusSource;
  /** Short human text: "Bash: git commit -m …", "turn ended". */
  detail?: string;
  /** A usage/rate limit was reported; resume at this time. */
  resumeAt?: Date;
  /** The agent's last message to the user (a turn's final text), when the signal carries it. */
  lastMessage?: string;
  /** The tool call a permission request asks about (with `needs_permission`). */
  permission?: Omit<PendingPermission, 'requestedAt'>;
  /** The run ended and the agent said how (a headless result, a failed turn): see run-end.ts. */
  runEnd?: RunEnd;
}

/** Token and cost figures parsed from an agent's output, when it reports them. */
export interface UsageReport {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  costUsd?: number;
}

export type { PermissionDecision } from './dialog.js';

/** Commands to name in errors of screen actions: how to look, how to answer. */
export interface ActionHints {
  /** "flotilla attach <id>" */
  attach: string;
  /** "flotilla approve <id>, or flotilla deny <id> [--message TEXT]" */
  answer: string;
}

export interface AgentAdapter {
  readonly kind: AdapterKind;
  readonly signals: AdapterSignals;
  /**
   * Whether a restart can resume exactly this agent's conversation from the first launch on:
   * Flotilla chooses the session id (claude --session-id) or keeps the conversation per agent
   * (aider's history file). False for agents that pick their own id (codex, gemini): their
   * resume() works once the id is captured (fromStreamLine().sessionId, sessionIdFromPane) and
   * throws CONFLICT before; custom commands have nothing to resume.
   */
  readonly resumable: boolean;
  /** First launch for a task. */
  launch(ctx: LaunchContext): LaunchSpec;
  /** Relaunch after a crash/restart, continuing the same conversation (`--resume <id>`). */
  resume(ctx: LaunchContext): LaunchSpec;
  /**
   * Map one hook payload (already parsed JSON) to a status, or null if it changes nothing.
   * `now` (default: the current time) resolves relative reset times; pass the hook's own time
   * when replaying events written while the daemon was down.
   */
  fromHook?(payload: Record<string, unknown>, mode: AgentMode, now?: Date): StatusSignal | null;
  /**
   * Map one headless output line to a status and/or usage. `usage` covers one unit (a run, a
   * turn, a message — see each adapter): the caller adds them up.
   */
  fromStreamLine?(
    line: string,
    now?: Date,
  ): { status?: StatusSignal; usage?: UsageReport; sessionId?: string } | null;
  /** An agent-chosen session id printed on screen (codex prints `codex resume <id>` on exit). */
  sessionIdFromPane?(screen: string): string | null;
  /** Classify the visible pane text. Null = no opinion (keep the current status). */
  fromPane(screen: string): StatusSignal | null;
  /**
   * The protocol that answers the permission dialog on screen as the user said (see
   * screen-plan.ts: one key per step, each verified on screen before the next). Null when no
   * dialog is visible; throws a FlotillaError when the answer cannot be given (a dialog that is
   * not a permission, no such option, a message this agent cannot take). First-run dialogs are
   * never answered here: see firstRunKeys.
   */
  answerDialog(screen: string, answer: DialogAnswer, hints: ActionHints): ScreenPlan | null;
  /**
   * The protocol that delivers a user's message (already checked: text only, LF line breaks) and
   * verifies it was taken; throws when the screen cannot take it now (a dialog is open). Absent:
   * the text is typed and Enter pressed with nothing to verify on screen.
   */
  sendPlan?(screen: string, text: string, hints: ActionHints): ScreenPlan;
  /**
   * Keys towards answering a first-run dialog (trust this folder) if one is on screen, possibly
   * one step per call (claude-code: `Down`, then `Enter` once the cursor is seen moved): call
   * again after each redraw until it returns null.
   */
  firstRunKeys?(screen: string): string[] | null;
  /** A usage-limit message with its reset time, from any text the agent printed. */
  detectUsageLimit(text: string, now: Date): Date | null;
  /**
   * How Flotilla reads the agent's conversation (prompts, text, tool calls and results, turn
   * ends). Absent: the adapter keeps none Flotilla can read; the API says so and the raw
   * terminal output is all there is.
   */
  readonly conversation?: ConversationSupport;
}

/** A line-by-line reader of one conversation record: feed it lines in order, from the first. */
export interface ConversationLineReader {
  push(line: string): ConversationEntryDraft[];
}

export interface ConversationSupport {
  /**
   * Interactive agents: the file the agent keeps its conversation in (a transcript), from the
   * agent's HOME (as its launch saw it), environment, working directory and session id; null
   * when it cannot be known (no session id yet).
   */
  transcriptFile?(input: {
    home: string;
    env: Record<string, string>;
    cwd: string;
    sessionId: string | null;
  }): string | null;
  /** A reader of that transcript. */
  transcriptReader?(): ConversationLineReader;
  /** Headless agents: a reader of the stream lines the agent prints (its pane log). */
  streamReader?(): ConversationLineReader;
}
