/**
 * The `agents` section: one entry per agent name, the built-in agents always present, and an
 * entry for a built-in name merged over that agent's defaults.
 */
import { z } from 'zod';
import { AdapterNameSchema, AgentModeSchema } from '../domain/agent.js';
import { ruleProblem } from '../domain/permission-rules.js';
import { envVarName } from './format.js';

/** One rule in Claude Code's syntax: `Tool` or `Tool(specifier)`. */
const permissionRule = z.string().superRefine((text, ctx) => {
  const problem = ruleProblem(text);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** Adapters Flotilla ships, with the executable each runs unless `command` says otherwise. */
export const BUILTIN_AGENTS = {
  'claude-code': { command: 'claude' },
  codex: { command: 'codex' },
  gemini: { command: 'gemini' },
  aider: { command: 'aider' },
} as const;
export type BuiltinAgentName = keyof typeof BUILTIN_AGENTS;
export const BUILTIN_AGENT_NAMES = Object.keys(BUILTIN_AGENTS) as BuiltinAgentName[];
export const isBuiltinAgent = (name: string): name is BuiltinAgentName => Object.hasOwn(BUILTIN_AGENTS, name);

export const ADAPTER_KINDS = [...BUILTIN_AGENT_NAMES, 'custom'] as const;
export const AdapterKindSchema = z.enum(ADAPTER_KINDS);
export type AdapterKind = z.infer<typeof AdapterKindSchema>;

const AgentEntrySchema = z.strictObject({
  adapter: AdapterKindSchema.optional().describe(
    'Which adapter drives this agent. Defaults to the entry name for the built-in names (claude-code, codex, gemini, aider); other names must set it (usually `custom`).',
  ),
  command: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The executable to run, looked up on PATH or given as an absolute path. Defaults to the adapter's usual command (claude, codex, gemini, aider); required for `custom`.",
    ),
  args: z
    .array(z.string())
    .default(() => [])
    .describe('Extra arguments appended to the command line Flotilla builds.'),
  env: z
    .record(envVarName, z.string())
    .default(() => ({}))
    .describe(
      "Extra environment variables for the agent process, e.g. `ANTHROPIC_BASE_URL`. Merged with the other layers' entries.",
    ),
  mode: AgentModeSchema.default('interactive').describe(
    '`interactive` runs the agent UI in tmux so you can attach and talk to it; `headless` runs it non-interactively with the task prompt.',
  ),
  permission_mode: z
    .enum(['default', 'acceptEdits', 'plan', 'bypassPermissions'])
    .default('default')
    .describe(
      "Claude Code's permission mode (`--permission-mode`); ignored by other adapters. `bypassPermissions` lets the agent run any tool without asking.",
    ),
  permissions: z
    .strictObject({
      allow: z
        .array(permissionRule)
        .default(() => [])
        .describe('Calls run with no question, e.g. `Bash(npm test:*)`, `Edit(src/**)`, `Read`.'),
      deny: z
        .array(permissionRule)
        .default(() => [])
        .describe(
          'Calls refused with no question, e.g. `Bash(git push:*)`; deny rules win over allow rules.',
        ),
    })
    .optional()
    .describe(
      "Claude Code, headless mode: rules in Claude Code's own syntax that answer the agent's permission requests without asking you. A request no rule matches shows the agent as `needs_permission` until `flotilla approve` or `deny`. Each automatic decision is recorded as an `agent.permission` event.",
    ),
  skip_first_run_dialogs: z
    .boolean()
    .default(true)
    .describe(
      'Pre-answer the onboarding and folder-trust dialogs so a fresh agent starts working instead of waiting on a question.',
    ),
  auto_commit: z
    .boolean()
    .default(true)
    .describe('Ask the agent to commit its work on its branch; false leaves the changes uncommitted.'),
  prompt_via: z
    .enum(['arg', 'stdin', 'send-keys', 'none'])
    .optional()
    .describe(
      'Custom agents only: how the task prompt reaches the command — as its last argument (`arg`, the default), on stdin, typed into it once started (`send-keys`), or not at all (`none`). `{prompt_file}` in `args` is replaced by the path of a file holding the prompt.',
    ),
  pane_patterns: z
    .strictObject({
      working: z
        .array(z.string())
        .optional()
        .describe('Screens that mean the agent is busy, e.g. a spinner line.'),
      needs_input: z
        .array(z.string())
        .optional()
        .describe('Screens that mean it waits for your next message.'),
      needs_permission: z
        .array(z.string())
        .optional()
        .describe('Screens that mean it asks to approve something, e.g. `Allow .*\\?`.'),
    })
    .optional()
    .describe(
      "Custom agents only: regular expressions matched against the agent's screen to tell its status (checked in the order needs_permission, needs_input, working).",
    ),
});
type AgentEntryInput = z.output<typeof AgentEntrySchema>;

/** One agent definition after defaults: adapter and command are always known. */
export type AgentConfig = Omit<AgentEntryInput, 'adapter' | 'command'> & {
  adapter: AdapterKind;
  command: string;
};

const builtinEntry = (name: BuiltinAgentName): AgentConfig => ({
  ...AgentEntrySchema.parse({}),
  adapter: name,
  command: BUILTIN_AGENTS[name].command,
});

/**
 * Checks what depends on an entry's name (the name itself; adapter and command, which only
 * built-in names may omit). Runs even when other entries have type errors (`when`), so one
 * invalid file reports all its problems at once; entries may therefore be malformed here.
 */
function checkAgents(entries: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const [name, entry] of Object.entries(entries)) {
    if (!AdapterNameSchema.safeParse(name).success) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        input: name,
        message: `invalid agent name '${name}': use lowercase letters, digits and dashes, starting with a letter (at most 40)`,
      });
    }
    if (typeof entry !== 'object' || entry === null) continue;
    const given = (entry as { adapter?: unknown }).adapter;
    const adapter = given ?? (isBuiltinAgent(name) ? name : undefined);
    if (adapter === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [name, 'adapter'],
        input: entry,
        message: `agent '${name}' needs an adapter: one of ${ADAPTER_KINDS.join(', ')} (custom runs any command)`,
      });
    } else if (adapter === 'custom' && (entry as { command?: unknown }).command === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [name, 'command'],
        input: entry,
        message: `agent '${name}' uses the custom adapter and needs a command (the executable to run)`,
      });
    }
  }
}

/**
 * Fills each entry's adapter and command and adds the built-in agents the user did not mention, so
 * `agents.claude-code.command: /opt/claude` keeps every other claude-code default.
 */
function fillAgents(entries: Record<string, AgentEntryInput>): Record<string, AgentConfig> {
  const out: Record<string, AgentConfig> = {};
  for (const name of BUILTIN_AGENT_NAMES) out[name] = builtinEntry(name);
  for (const [name, entry] of Object.entries(entries)) {
    // checkAgents guarantees both are known by now.
    const adapter = entry.adapter ?? (name as BuiltinAgentName);
    const command = entry.command ?? (adapter === 'custom' ? '' : BUILTIN_AGENTS[adapter].command);
    out[name] = { ...entry, adapter, command };
  }
  return out;
}

export const AgentsSchema = z
  .record(z.string(), AgentEntrySchema)
  .superRefine(checkAgents, { when: () => true })
  .transform(fillAgents)
  .prefault({})
  .describe(
    'Agent definitions keyed by name (lowercase letters, digits, dashes). claude-code, codex, gemini and aider are always defined; an entry for one of them only overrides the keys it sets.',
  );
