import { join } from 'node:path';
import { FlotillaError } from '../domain/index.js';
import { AGENT_FILES } from './agent-dir.js';
import type { AdapterKind, LaunchContext, LaunchFile } from './types.js';

/** Pieces every adapter's launch shares. */

export const PROMPT_FILE = AGENT_FILES.prompt;

/** Environment of the agent: the config's, plus what `flotilla hook` needs to find its agent. */
export function agentEnv(ctx: LaunchContext): Record<string, string> {
  return {
    ...ctx.config.env,
    HOME: ctx.home,
    FLOTILLA_AGENT_ID: ctx.agentId,
    FLOTILLA_AGENT_DIR: ctx.agentDir,
  };
}

/** The prompt file in the agent's dir (0600): prompts reach agents as files or argv, never via a shell. */
export function promptFile(ctx: LaunchContext, content: string, name = PROMPT_FILE): LaunchFile {
  return { path: join(ctx.agentDir, name), content, mode: 0o600 };
}

/** The prompt for resume(): the supervisor's `resumePrompt`, or `fallback` (null = none). */
export function resumePromptOf(ctx: LaunchContext, fallback: string | null): string | null {
  return ctx.resumePrompt !== undefined && ctx.resumePrompt.trim() !== '' ? ctx.resumePrompt : fallback;
}

/** Agents that choose their own session id can resume only once Flotilla has captured it. */
export function capturedSessionId(ctx: LaunchContext, kind: AdapterKind): string {
  if (ctx.sessionId === null || !/^[\w-]{1,128}$/.test(ctx.sessionId)) {
    throw new FlotillaError(
      'CONFLICT',
      `${kind} cannot resume agent ${ctx.agentId}: its session id was never captured`,
      {
        hint: "the id is read from the agent's JSON output (headless) or from its screen on exit; restart the task instead",
      },
    );
  }
  return ctx.sessionId;
}
