/**
 * The one configuration schema. YAML keys are snake_case, every object is strict, every key has a
 * default (or is nullable with `null` meaning "work it out") and a description that the reference
 * docs (`docs/configuration.md`) and the starter file are generated from.
 */
import { z } from 'zod';
import { AdapterNameSchema, AgentModeSchema } from '../domain/agent.js';
import { EVENT_TYPES } from '../domain/event.js';

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

/** Keys whose values are file system paths: `~` is expanded and relative paths resolved at load. */
export const PATH_KEYS = ['worktrees.root', 'server.tls.cert', 'server.tls.key'] as const;

/** Tags a schema with the words error messages and docs use for its format (read by keys.ts). */
const expects = <T extends z.ZodType>(schema: T, text: string): T => schema.meta({ expected: text });

const envVarName = expects(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  'an environment variable name (letters, digits and _)',
);
const httpUrl = expects(z.url({ protocol: /^https?$/ }), 'an http(s) URL');
const agentName = expects(AdapterNameSchema, 'an agent name (lowercase letters, digits and dashes)');

/** Event filters: an event type, `<prefix>.*`, or `*`. */
const EVENT_PREFIXES = [...new Set(EVENT_TYPES.map((t) => t.split('.')[0]))];
const eventFilter = z.string().refine((s) => s === '*' || isKnownEventFilter(s), {
  error: (iss) =>
    `unknown event '${String(iss.input)}': use '*', one of ${EVENT_PREFIXES.map((p) => `${p}.*`).join(', ')}, or an event type such as agent.status_changed`,
});
function isKnownEventFilter(s: string): boolean {
  if (s.endsWith('.*')) return EVENT_PREFIXES.includes(s.slice(0, -2));
  return (EVENT_TYPES as readonly string[]).includes(s);
}
const DEFAULT_NOTIFY_EVENTS = ['agent.status_changed', 'agent.restarted', 'agent.health'];
const eventList = (what: string) =>
  z
    .array(eventFilter)
    .default(() => [...DEFAULT_NOTIFY_EVENTS])
    .describe(`Events ${what} is told about: event types, \`<prefix>.*\` or \`*\` for all.`);

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

const AgentsSchema = z
  .record(z.string(), AgentEntrySchema)
  .superRefine(checkAgents, { when: () => true })
  .transform(fillAgents)
  .prefault({})
  .describe(
    'Agent definitions keyed by name (lowercase letters, digits, dashes). claude-code, codex, gemini and aider are always defined; an entry for one of them only overrides the keys it sets.',
  );

const nullablePath = (text: string) => z.string().min(1).nullable().default(null).describe(text);
const int = () => z.number().int();

const WorktreesSchema = z.strictObject({
  root: nullablePath(
    'Directory that holds the worktrees; null = `<FLOTILLA_HOME>/worktrees/<repo-name>`. `~` is expanded; a relative path is relative to the file that sets it.',
  ),
  copy: z
    .array(z.string().min(1))
    .default(() => ['.env', '.env.*', '.envrc'])
    .describe(
      'Glob patterns (relative to the repo root) of gitignored files copied into each new worktree, in addition to those listed in `.worktreeinclude`.',
    ),
  setup: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe(
      'Command line run in each new worktree before the agent starts, e.g. `npm ci`; null = none. A failure aborts the start.',
    ),
  port_block_size: int()
    .min(1)
    .max(1000)
    .default(10)
    .describe(
      'Ports reserved per worktree; the first is given to the agent as `PORT` and `FLOTILLA_PORT_BASE`.',
    ),
  port_range_start: int()
    .min(1024)
    .max(65535)
    .default(20000)
    .describe('First port of the first worktree block; blocks follow each other from here.'),
  base_ref: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe("Ref new task branches start from; null = the repo's default branch."),
});

const TmuxSchema = z.strictObject({
  socket: expects(
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    'a socket name (letters, digits, _ . -), not a path',
  )
    .default('flotilla')
    .describe("Name of Flotilla's own tmux server socket (`tmux -L <socket>`); never the default server."),
  history_limit: int()
    .min(0)
    .max(10_000_000)
    .default(50000)
    .describe('Scrollback lines kept per agent pane.'),
});

const LimitsSchema = z.strictObject({
  max_concurrent: int()
    .min(1)
    .max(1000)
    .default(4)
    .describe('Most agents running at once; the scheduler queues the rest.'),
  cpu_percent: z
    .number()
    .min(1)
    .nullable()
    .default(null)
    .describe(
      "CPU limit per agent, in percent of one core (200 = two cores), over the agent's process tree; null = none.",
    ),
  memory_mb: int()
    .min(1)
    .nullable()
    .default(null)
    .describe("Resident memory limit per agent in MiB, over the agent's process tree; null = none."),
  action: z
    .enum(['warn', 'stop', 'restart'])
    .default('warn')
    .describe('What happens when an agent exceeds a limit: record a warning event, stop it, or restart it.'),
  stuck_after_seconds: int()
    .min(0)
    .default(900)
    .describe(
      'An agent that is working but shows no activity for this long is reported as stuck; 0 = never.',
    ),
});

const RestartSchema = z.strictObject({
  policy: z
    .enum(['never', 'on-failure', 'always'])
    .default('on-failure')
    .describe(
      'When a dead agent is restarted: never, only when it crashed, or also when it exited by itself.',
    ),
  backoff: z
    .strictObject({
      initial_ms: int().min(0).default(1000).describe('Delay before the first restart.'),
      max_ms: int().min(0).default(60000).describe('Longest delay between restarts.'),
      factor: z.number().min(1).max(10).default(2).describe('Each delay is the previous one times this.'),
    })
    .refine((b) => b.max_ms >= b.initial_ms, {
      message: 'max_ms must be at least initial_ms',
      path: ['max_ms'],
    })
    .prefault({})
    .describe('Exponential backoff between restarts of one agent.'),
  intensity: z
    .strictObject({
      max_restarts: int().min(0).default(5).describe('Most restarts allowed within the window.'),
      window_seconds: int().min(1).default(300).describe('Length of that window, in seconds.'),
    })
    .prefault({})
    .describe('More restarts than this within the window mark the agent crashed for good, and notify.'),
});

const ServerSchema = z.strictObject({
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'Address the API and dashboard listen on. A non-loopback address requires TLS or an explicit flag.',
    ),
  port: int()
    .min(0)
    .max(65535)
    .default(7433)
    .describe('Port the API and dashboard listen on; 0 = pick a free port.'),
  allowed_hosts: z
    .array(z.string().min(1))
    .default(() => [])
    .describe(
      'Extra Host header names accepted besides localhost and the bound address (e.g. behind a proxy).',
    ),
  tls: z
    .strictObject({
      cert: nullablePath('PEM certificate file; set with `key` to serve HTTPS.'),
      key: nullablePath('PEM private key file for `cert`.'),
    })
    .refine((t) => (t.cert === null) === (t.key === null), {
      message: 'set both cert and key, or neither',
      path: ['key'],
    })
    .prefault({})
    .describe('TLS for the API and dashboard.'),
  terminal_input: z
    .boolean()
    .default(false)
    .describe("Let the dashboard type into agents' terminals, not only watch them."),
});

const GithubSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Import GitHub issues as tasks and report back on them.'),
  repo: expects(z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/), 'owner/name, e.g. acme/app')
    .nullable()
    .default(null)
    .describe('Repository as `owner/name`; null = taken from the git remote `origin`.'),
  token_env: envVarName.default('GITHUB_TOKEN').describe('Environment variable that holds the GitHub token.'),
  label: z.string().min(1).default('flotilla').describe('Issues with this label are imported as tasks.'),
});

const JiraSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Import Jira issues as tasks.'),
    base_url: httpUrl.nullable().default(null).describe('Jira site, e.g. `https://acme.atlassian.net`.'),
    project: expects(z.string().regex(/^[A-Z][A-Z0-9_]+$/), 'a Jira project key such as APP')
      .nullable()
      .default(null)
      .describe('Project key whose issues are imported.'),
    token_env: envVarName
      .default('JIRA_TOKEN')
      .describe('Environment variable that holds the Jira API token.'),
  })
  .superRefine((j, ctx) => {
    if (!j.enabled) return;
    for (const key of ['base_url', 'project'] as const) {
      if (j[key] === null)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `required when jira.enabled is true`,
          input: j[key],
        });
    }
  });

const webhookUrlEnv = (service: string) =>
  z.strictObject({
    webhook_url_env: envVarName
      .nullable()
      .default(null)
      .describe(`Environment variable that holds the ${service} webhook URL; null = ${service} is off.`),
    events: eventList(service),
  });

const IntegrationsSchema = z.strictObject({
  github: GithubSchema.prefault({}).describe('GitHub issues as tasks.'),
  jira: JiraSchema.prefault({}).describe('Jira issues as tasks.'),
  notify: z
    .strictObject({
      slack: webhookUrlEnv('Slack').prefault({}).describe('Slack notifications.'),
      discord: webhookUrlEnv('Discord').prefault({}).describe('Discord notifications.'),
      webhook: z
        .strictObject({
          url: httpUrl
            .nullable()
            .default(null)
            .describe('URL that receives each event as a JSON POST; null = off.'),
          events: eventList('the webhook'),
        })
        .prefault({})
        .describe('A generic JSON webhook.'),
    })
    .prefault({})
    .describe('Notifications about agents and tasks.'),
});

const LogSchema = z.strictObject({
  level: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
    .default('info')
    .describe("Least severe level written to the daemon's log."),
  max_file_mb: z.number().min(1).default(10).describe('Size at which a log file is rotated, in MiB.'),
  max_files: int().min(1).default(5).describe('Rotated log files kept.'),
});

/** The whole configuration, as read from YAML (input) and as used by the code (output). */
export const ConfigSchema = z
  .strictObject({
    agent: agentName
      .default('claude-code')
      .describe('Agent that `flotilla start` uses when none is named; a key of `agents`.'),
    agents: AgentsSchema,
    worktrees: WorktreesSchema.prefault({}).describe('Where task worktrees live and how they are prepared.'),
    tmux: TmuxSchema.prefault({}).describe("Flotilla's own tmux server."),
    limits: LimitsSchema.prefault({}).describe('How many agents run and what each may use.'),
    restart: RestartSchema.prefault({}).describe('What happens when an agent dies.'),
    server: ServerSchema.prefault({}).describe('The API and web dashboard served by the daemon.'),
    integrations: IntegrationsSchema.prefault({}).describe('Issue trackers and notifications.'),
    log: LogSchema.prefault({}).describe("The daemon's log files."),
  })
  // Runs despite other problems (`when`), so the input may be malformed: check before use.
  .superRefine(
    (c, ctx) => {
      const agents = typeof c.agents === 'object' && c.agents !== null ? Object.keys(c.agents) : [];
      const known = [...new Set([...BUILTIN_AGENT_NAMES, ...agents])];
      if (typeof c.agent === 'string' && !known.includes(c.agent)) {
        ctx.addIssue({
          code: 'custom',
          path: ['agent'],
          input: c.agent,
          message: `unknown agent '${c.agent}': define it under agents, or use one of ${known.join(', ')}`,
        });
      }
    },
    { when: () => true },
  );

/** The configuration every module reads. */
export type Config = z.infer<typeof ConfigSchema>;
/** The configuration as written in a file: every key optional. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** The configuration with nothing set. */
export const defaultConfig = (): Config => ConfigSchema.parse({});
