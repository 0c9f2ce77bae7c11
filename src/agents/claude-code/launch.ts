import { join } from 'node:path';
import { FlotillaError } from '../../domain/index.js';
import { CONTINUE_PROMPT } from '../prompt.js';
import type { LaunchContext, LaunchFile, LaunchSpec } from '../types.js';
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
export const PROMPT_FILE = 'prompt.txt';

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

/** The per-agent settings file that declares Flotilla's hooks. */
function settingsFile(ctx: LaunchContext): LaunchFile {
  return {
    path: join(ctx.agentDir, SETTINGS_FILE),
    content: `${JSON.stringify(hookSettings(ctx.hookArgv), null, 2)}\n`,
    mode: 0o600,
  };
}

/** Environment of the agent: the config's, plus what `flotilla hook` needs to find its agent. */
export function agentEnv(ctx: LaunchContext): Record<string, string> {
  return {
    ...ctx.config.env,
    HOME: ctx.home,
    FLOTILLA_AGENT_ID: ctx.agentId,
    FLOTILLA_AGENT_DIR: ctx.agentDir,
  };
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
  const files = [settingsFile(ctx)];
  if (prompt === null) return { argv, env: agentEnv(ctx), files, promptVia: 'none' };
  const promptFile = join(ctx.agentDir, PROMPT_FILE);
  files.push({ path: promptFile, content: prompt, mode: 0o600 });
  return { argv: [...argv, '--'], env: agentEnv(ctx), files, promptVia: 'file-arg', promptFile };
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
  const given = ctx.resumePrompt?.trim() ? ctx.resumePrompt : null;
  const prompt = given ?? (ctx.mode === 'headless' ? CONTINUE_PROMPT : null);
  return withPrompt(ctx, baseArgs(ctx, ['--resume', sessionIdOf(ctx)]), prompt);
}
