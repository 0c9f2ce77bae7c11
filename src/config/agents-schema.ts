/**
 * The `agents` section: one entry per agent name, the built-in agents always present, and an
 * entry for a built-in name merged over that agent's defaults.
 */
import { z } from 'zod';
import { AdapterNameSchema, AgentModeSchema } from '../domain/agent.js';
import { ruleProblem } from '../domain/permission-rules.js';
import { ADAPTER_KINDS } from '../domain/values.js';
import { envVarName, wordList } from './format.js';

/** One rule in Claude Code's syntax: `Tool` or `Tool(specifier)`. */
const permissionRule = z.string().superRefine((text, ctx) => {
  const problem = ruleProblem(text);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

// The adapter kinds are listed once, in domain/values.ts; config, agents/ and the API read them there.
export { ADAPTER_KINDS };
export type AdapterKind = (typeof ADAPTER_KINDS)[number];
export const AdapterKindSchema = z.enum(ADAPTER_KINDS);
/** Adapters Flotilla ships: every kind but `custom`. */
export type BuiltinAgentName = Exclude<AdapterKind, 'custom'>;

/** The executable each built-in adapter runs unless `command` says otherwise; a new kind must add one. */
export const BUILTIN_AGENTS: Readonly<Record<BuiltinAgentName, { readonly command: string }>> = {
  'claude-code': { command: 'claude' },
  codex: { command: 'codex' },
  gemini: { command: 'gemini' },
  aider: { command: 'aider' },
};
export const BUILTIN_AGENT_NAMES: BuiltinAgentName[] = ADAPTER_KINDS.filter(
  (k): k is BuiltinAgentName => k !== 'custom',
);
export const isBuiltinAgent = (name: string): name is BuiltinAgentName => Object.hasOwn(BUILTIN_AGENTS, name);

/** `claude-code, codex, gemini, aider`, for descriptions. */
const builtinNames = BUILTIN_AGENT_NAMES.join(', ');
const builtinCommands = BUILTIN_AGENT_NAMES.map((n) => BUILTIN_AGENTS[n].command).join(', ');

const AgentEntrySchema = z.strictObject({
  adapter: AdapterKindSchema.optional().describe(
    `Which adapter drives this agent. Defaults to the entry name for the built-in names (${builtinNames}); other names must set it (usually \`custom\`).`,
  ),
  command: z
    .string()
    .min(1)
    .optional()
    .describe(
      `The executable to run, looked up on PATH or given as an absolute path. Defaults to the adapter's usual command (${builtinCommands}); required for \`custom\`.`,
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
    `Agent definitions keyed by name (lowercase letters, digits, dashes). ${wordList(BUILTIN_AGENT_NAMES)} are always defined; an entry for one of them only overrides the keys it sets.`,
  );
