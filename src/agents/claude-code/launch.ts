import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_TOOL_FQNS } from '../../domain/agent-tools.js';
import { FlotillaError } from '../../domain/index.js';
import { agentEnv, PROMPT_FILE, promptFile, resumePromptOf } from '../common.js';
import { CONTINUE_PROMPT } from '../prompt.js';
import type { LaunchContext, LaunchFile, LaunchSpec } from '../types.js';
import { HOOK_SCRIPT_FILE, HOOK_SHELL, hookScript } from './hook-script.js';
import { hookSettings } from './hooks.js';

/**
 * Command lines for Claude Code. Flotilla chooses the conversation id (`--session-id`) so a
 * restart resumes exactly that conversation (`--resume <id>`; never `--continue`, which picks
 * the folder's latest conversation, maybe another agent's). Hooks come from a settings file of
 * Flotilla's own (`--settings`), so the user's and the repo's settings are never edited.
 *
 * The prompt always follows `--`: without it a prompt starting with "-" would be read as
 * options, and a variadic option in the user's args (`--allowedTools Bash Edit`) would swallow
 * it (checked with 2.1.197: `claude -p --allowedTools Bash Write -- --version` sends
 * "--version" as the prompt).
 *
 * Headless permissions: `-p` cannot show a dialog, so a tool call that needs approval is
 * denied (it is listed in the result line's `permission_denials`, which the stream parser turns
 * into a visible detail). `permission_mode` is passed as configured; allow more with
 * `permission_mode: acceptEdits | bypassPermissions` or `args: [--allowedTools, "Bash(git *)", Edit]`.
 */

export const SETTINGS_FILE = 'settings.json';
export { PROMPT_FILE };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sessionIdOf(ctx: LaunchContext): string {
  if (ctx.sessionId === null || !UUID_RE.test(ctx.sessionId)) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `claude-code needs a uuid session id, got ${String(ctx.sessionId)}`,
      {
        hint: 'the supervisor chooses one with crypto.randomUUID() when it creates the agent',
      },
    );
  }
  return ctx.sessionId;
}

/**
 * The per-agent settings file: Flotilla's hooks; the agent tools of Flotilla's MCP server
 * allowed (mcp.ts), so that reporting progress or asking the user never waits on a dialog — the
 * permission prompt tool is not among them; and — when the config asks for bypassPermissions —
 * the acknowledgement that skips the TUI's "Bypass Permissions mode" warning, whose preselected
 * answer is "No, exit" (measured: honoured from a `--settings` file, so the user's own settings
 * are not touched).
 */
function settingsFile(ctx: LaunchContext): LaunchFile {
  const script = existsSync(HOOK_SHELL) ? join(ctx.agentDir, HOOK_SCRIPT_FILE) : null;
  const settings: Record<string, unknown> = {
    ...hookSettings(ctx.hookArgv, script),
    permissions: { allow: [...AGENT_TOOL_FQNS] },
  };
  if (ctx.config.permission_mode === 'bypassPermissions') settings.skipDangerousModePermissionPrompt = true;
  return {
    path: join(ctx.agentDir, SETTINGS_FILE),
    content: `${JSON.stringify(settings, null, 2)}\n`,
    mode: 0o600,
  };
}

/** The sh hook the settings file runs (hook-script.ts); written on every launch, like the settings. */
function hookScriptFile(ctx: LaunchContext): LaunchFile {
  const content = hookScript({ agentDir: ctx.agentDir, agentId: ctx.agentId, hookArgv: ctx.hookArgv });
  return { path: join(ctx.agentDir, HOOK_SCRIPT_FILE), content, mode: 0o600 };
}

function baseArgs(ctx: LaunchContext, session: string[]): string[] {
  const head = ctx.mode === 'headless' ? ['-p', '--output-format', 'stream-json', '--verbose'] : [];
  return [
    ctx.config.command,
    ...head,
    ...session,
    '--settings',
    join(ctx.agentDir, SETTINGS_FILE),
    '--permission-mode',
    ctx.config.permission_mode,
    ...ctx.config.args,
  ];
}

function withPrompt(ctx: LaunchContext, argv: string[], prompt: string | null): LaunchSpec {
  const files = [settingsFile(ctx), hookScriptFile(ctx)];
  if (prompt === null) return { argv, env: agentEnv(ctx), files, promptVia: 'none' };
  const file = promptFile(ctx, prompt);
  files.push(file);
  return { argv: [...argv, '--'], env: agentEnv(ctx), files, promptVia: 'file-arg', promptFile: file.path };
}

/** First launch: `claude [-p …] --session-id <uuid> --settings <file> --permission-mode <m> [args] -- <prompt>`. */
export function claudeLaunch(ctx: LaunchContext): LaunchSpec {
  return withPrompt(ctx, baseArgs(ctx, ['--session-id', sessionIdOf(ctx)]), ctx.promptText);
}

/**
 * Resume: `--resume <uuid>` instead of `--session-id`. Interactive: no prompt unless the
 * supervisor gives `resumePrompt` (the TUI redraws the conversation and waits). Headless: `-p`
 * needs a prompt, so `resumePrompt` or {@link CONTINUE_PROMPT}.
 */
export function claudeResume(ctx: LaunchContext): LaunchSpec {
  const prompt = resumePromptOf(ctx, ctx.mode === 'headless' ? CONTINUE_PROMPT : null);
  return withPrompt(ctx, baseArgs(ctx, ['--resume', sessionIdOf(ctx)]), prompt);
}
