import type { AgentAdapter } from '../types.js';
import { claudeAnswerPlan, claudeSendPlan } from './actions.js';
import { claudeStatusFromHook } from './hooks.js';
import { claudeLaunch, claudeResume } from './launch.js';
import { withFlotillaMcp } from './mcp.js';
import { claudeFirstRunKeys, claudeStatusFromPane } from './screen.js';
import { claudeFromStreamLine } from './stream.js';
import { ClaudeStreamReader } from './stream-conversation.js';
import { ClaudeTranscriptReader, claudeTranscriptPath } from './transcript.js';
import { detectClaudeUsageLimit } from './usage-limit.js';

/**
 * Claude Code: hooks first (installed per agent through `--settings`), stream-json in headless
 * mode, pane text as the fallback (before the folder is trusted no hook fires at all).
 */
export const claudeCodeAdapter: AgentAdapter = {
  kind: 'claude-code',
  signals: { hooks: true, stream: true, pane: true },
  resumable: true,
  // Flotilla's MCP server: the agent tools, and headless runs' permission prompt (see mcp.ts).
  launch: withFlotillaMcp(claudeLaunch),
  resume: withFlotillaMcp(claudeResume),
  fromHook: claudeStatusFromHook,
  fromStreamLine: claudeFromStreamLine,
  fromPane: claudeStatusFromPane,
  answerDialog: (screen, answer, hints) => claudeAnswerPlan(screen, answer, hints.attach),
  sendPlan: claudeSendPlan,
  firstRunKeys: claudeFirstRunKeys,
  detectUsageLimit: detectClaudeUsageLimit,
  conversation: {
    transcriptFile: ({ home, env, cwd, sessionId }) =>
      sessionId === null
        ? null
        : claudeTranscriptPath({ home, cwd, sessionId, configDir: env.CLAUDE_CONFIG_DIR }),
    transcriptReader: () => new ClaudeTranscriptReader(),
    streamReader: () => new ClaudeStreamReader(),
  },
};

export { CLAUDE_HOOK_EVENTS, type ClaudeHookEvent, hookSettings } from './hooks.js';
export { PROMPT_FILE, SETTINGS_FILE } from './launch.js';
export { type ClaudeDialog, type ClaudeDialogKind, type ClaudeScreen, readClaudeScreen } from './screen.js';
