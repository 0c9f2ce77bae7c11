import { agentEnv, promptFile } from '../common.js';
import { matchPanePatterns, type PanePatterns } from '../pane.js';
import { findLimitReset } from '../reset-time.js';
import type { AgentAdapter, AgentEntryConfig, LaunchContext, LaunchSpec, StatusSignal } from '../types.js';

/**
 * Any command from config: `argv = command + args`. The prompt reaches it per `prompt_via`
 * (default `arg`: appended as the last argument at exec time), or through a `{prompt_file}`
 * placeholder in `args`, replaced by the prompt file's path. Status: liveness, plus the
 * optional `pane_patterns` regexes. No conversation to resume: a restart runs the command again.
 */

/** Placeholder in `args` for the path of the prompt file. */
export const PROMPT_FILE_PLACEHOLDER = '{prompt_file}';

function launch(ctx: LaunchContext): LaunchSpec {
  const file = promptFile(ctx, ctx.promptText);
  const usesPlaceholder = ctx.config.args.some((a) => a.includes(PROMPT_FILE_PLACEHOLDER));
  const argv = [
    ctx.config.command,
    ...ctx.config.args.map((a) => a.replaceAll(PROMPT_FILE_PLACEHOLDER, file.path)),
  ];
  const via = ctx.config.prompt_via ?? (usesPlaceholder ? 'none' : 'arg');
  const promptVia = via === 'arg' ? 'file-arg' : via;
  return {
    argv,
    env: agentEnv(ctx),
    files: [file],
    promptVia,
    ...(promptVia === 'none' ? {} : { promptFile: file.path }),
  };
}

/** Compiles the configured patterns; one that does not compile is left out rather than failing the agent. */
export function compilePanePatterns(patterns: AgentEntryConfig['pane_patterns']): PanePatterns {
  const out: { -readonly [K in keyof PanePatterns]: RegExp[] } = {};
  for (const status of ['needs_permission', 'working', 'needs_input'] as const) {
    const compiled: RegExp[] = [];
    for (const source of patterns?.[status] ?? []) {
      try {
        compiled.push(new RegExp(source, 'i'));
      } catch {
        // Config validation reports bad patterns; at run time the agent keeps its liveness status.
      }
    }
    if (compiled.length > 0) out[status] = compiled;
  }
  return out;
}

/** A custom adapter for one config entry (its pane patterns are compiled once). */
export function createCustomAdapter(entry?: Pick<AgentEntryConfig, 'pane_patterns'>): AgentAdapter {
  const patterns = compilePanePatterns(entry?.pane_patterns);
  const hasPatterns = Object.keys(patterns).length > 0;
  return {
    kind: 'custom',
    signals: { hooks: false, stream: false, pane: hasPatterns },
    resumable: false,
    launch,
    resume: launch,
    fromPane: (screen: string): StatusSignal | null =>
      hasPatterns ? matchPanePatterns(screen, patterns) : null,
    answerDialog: () => null,
    detectUsageLimit: (text: string, now: Date) => findLimitReset(text, now, /usage limit|rate limit|quota/i),
  };
}
