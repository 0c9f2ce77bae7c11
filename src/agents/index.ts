/** Agent adapters: one per agent CLI, pure (argv, env, files; status from hooks, stream, pane). */
export { aiderAdapter } from './aider/index.js';
export {
  CLAUDE_HOOK_EVENTS,
  type ClaudeDialog,
  type ClaudeDialogKind,
  type ClaudeHookEvent,
  type ClaudeScreen,
  claudeCodeAdapter,
  hookSettings,
  readClaudeScreen,
} from './claude-code/index.js';
export { codexAdapter } from './codex/index.js';
export { createCustomAdapter, PROMPT_FILE_PLACEHOLDER } from './custom/index.js';
export { geminiAdapter } from './gemini/index.js';
export { matchPanePatterns, type PaneDebounceOptions, PaneDebouncer, type PanePatterns } from './pane.js';
export { buildPromptText, CONTINUE_PROMPT, type PromptOptions } from './prompt.js';
export { ADAPTER_KINDS, adapterFor, isAdapterKind } from './registry.js';
export type * from './types.js';
