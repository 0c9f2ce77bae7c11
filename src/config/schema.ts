/**
 * The one configuration schema. YAML keys are snake_case, every object is strict, every key has a
 * default (or is nullable with `null` meaning "work it out") and a description that the reference
 * docs (`docs/configuration.md`) and the starter file are generated from. Every key has a scope
 * (`scoped`, on a section or a key): `repo` keys are read per repo, so a repo's flotilla.yaml may
 * set them; `daemon` keys are read by the daemon alone (ADR 0019).
 */
import { z } from 'zod';
import { AgentsSchema, BUILTIN_AGENT_NAMES } from './agents-schema.js';
import { agentName, expects, scoped } from './format.js';

export {
  ADAPTER_KINDS,
  type AdapterKind,
  AdapterKindSchema,
  type AgentConfig,
  BUILTIN_AGENT_NAMES,
  BUILTIN_AGENTS,
  type BuiltinAgentName,
  isBuiltinAgent,
} from './agents-schema.js';

/** Keys whose values are file system paths: `~` is expanded and relative paths resolved at load. */
export const PATH_KEYS = ['worktrees.root', 'server.tls.cert', 'server.tls.key'] as const;

const nullablePath = (text: string) => z.string().min(1).nullable().default(null).describe(text);
const int = () => z.number().int();

const WorktreesSchema = z.strictObject({
  root: scoped(
    nullablePath(
      'Directory that holds the worktrees; null = `<FLOTILLA_HOME>/worktrees/<repo-name>`. `~` is expanded; a relative path is relative to the file that sets it.',
    ),
    'repo',
  ),
  copy: scoped(
    z
      .array(z.string().min(1))
      .default(() => ['.env', '.env.*', '.envrc'])
      .describe(
        'Glob patterns (relative to the repo root) of gitignored files copied into each new worktree, in addition to those listed in `.worktreeinclude`.',
      ),
    'repo',
  ),
  setup: scoped(
    z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe(
        'Command line run in each new worktree before the agent starts, e.g. `npm ci`; null = none. A failure aborts the start.',
      ),
    'repo',
  ),
  // The port blocks of all repos come from one range, so their size and start are the daemon's.
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
  base_ref: scoped(
    z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe("Ref new task branches start from; null = the repo's default branch."),
    'repo',
  ),
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
  config: nullablePath(
    "A tmux config file (e.g. ~/.tmux.conf) for Flotilla's tmux server, read when that server starts, after the options agents need (focus-events on, escape-time 10, extended-keys on): your key bindings and looks when you attach. Default: none, so your tmux config never changes how agents' sessions behave.",
  ),
});

const LimitsSchema = z.strictObject({
  max_concurrent: int()
    .min(1)
    .max(1000)
    .default(4)
    .describe(
      'Most agents running at once (a restarting one counts); `start` and `up` refuse more. `start --force` overrides it, `up --max N` sets another limit for one run.',
    ),
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
  min_free_memory_mb: int()
    .min(0)
    .default(512)
    .describe(
      'No agent is started (by `up`, `start` or the dispatcher) while the machine has less free memory than this, in MiB (MemAvailable); `start --force` overrides it. 0 = no check.',
    ),
  pane_log_max_mb: z
    .number()
    .min(0.01)
    .max(1_000_000)
    .default(32)
    .describe(
      "Size in MiB at which an agent's pane log (`agents/<id>/pane.log`, everything its terminal printed) is rotated: its newest quarter of this size is kept in `pane.log.1` and the log starts again from empty. Fractions are allowed.",
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
  rate_limit: z
    .strictObject({
      initial_ms: int()
        .min(1000)
        .default(60000)
        .describe('Wait before resuming an agent the API rate-limited when no reset time is known.'),
      max_ms: int()
        .min(1000)
        .default(900000)
        .describe('Longest such wait; each limit in a row waits `restart.backoff.factor` times longer.'),
    })
    .refine((b) => b.max_ms >= b.initial_ms, {
      message: 'max_ms must be at least initial_ms',
      path: ['max_ms'],
    })
    .prefault({})
    .describe(
      'A rate-limited agent is never restarted as a crash: it is resumed once, at the reset the agent reported, or after this wait. It spends no restart.',
    ),
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

const HooksSchema = z.strictObject({
  on_status: z
    .array(z.string().min(1))
    .min(1)
    .nullable()
    .default(null)
    .describe(
      'Command the daemon runs on every agent status change, as an argv list (no shell), e.g. `[notify-send, Flotilla]`; four arguments are appended: the agent id, the old status, the new status and the detail (empty when none). Runs detached from the fleet: at most 4 at a time, each killed after `hooks.timeout_seconds`. null = off.',
    ),
  timeout_seconds: int()
    .min(1)
    .max(600)
    .default(10)
    .describe('How long one `hooks.on_status` command may run before it is killed.'),
});

/** Automatic dispatch of ready tasks (per repo: a repo's flotilla.yaml may turn it on). */
const SchedulerSchema = z.strictObject({
  auto: z
    .boolean()
    .default(false)
    .describe(
      'Start ready tasks by themselves as their dependencies land, highest priority first, within the limits. `flotilla up --watch` turns it on for as long as it runs.',
    ),
  max_per_repo: int()
    .min(1)
    .max(1000)
    .nullable()
    .default(null)
    .describe(
      'Most agents the dispatcher keeps running in this repo at once; null = only `limits.max_concurrent`.',
    ),
});

/** How finished work reaches the base branch (`flotilla land`, the Land button). */
const LandingSchema = z.strictObject({
  strategy: z
    .enum(['rebase', 'merge', 'squash'])
    .default('rebase')
    .describe(
      "How a task's branch lands: its commits rebased onto the base (linear history), a merge commit, or one squashed commit.",
    ),
  verify: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe(
      'Command line run (by `sh -c`) in the landed result before the base moves, e.g. `npm test`; a failure sends the task back to its agent with the output. null = land without a check.',
    ),
  verify_timeout_seconds: int()
    .min(1)
    .max(86_400)
    .default(1800)
    .describe('How long `landing.verify` may run before it is killed and the landing fails.'),
  max_attempts: int()
    .min(1)
    .max(20)
    .default(3)
    .describe(
      'Landings of one task that may fail (conflict or verify) and go back to its agent before Flotilla stops and asks you.',
    ),
  mode: z
    .enum(['local', 'pr'])
    .default('local')
    .describe(
      'local: advance the base branch in this repository. pr: push the branch and open a pull request (needs the GitHub integration, not built yet: refused).',
    ),
  remove_worktree: z
    .boolean()
    .default(true)
    .describe("Remove a landed task's worktree and its (now merged) branch; false keeps both."),
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
    agent: scoped(
      agentName
        .default('claude-code')
        .describe('Agent that `flotilla start` uses when none is named; a key of `agents`.'),
      'repo',
    ),
    agents: scoped(AgentsSchema, 'repo'),
    worktrees: scoped(
      WorktreesSchema.prefault({}).describe('Where task worktrees live and how they are prepared.'),
      'daemon',
    ),
    tmux: scoped(TmuxSchema.prefault({}).describe("Flotilla's own tmux server."), 'daemon'),
    limits: scoped(
      LimitsSchema.prefault({}).describe('How many agents run and what each may use.'),
      'daemon',
    ),
    restart: scoped(RestartSchema.prefault({}).describe('What happens when an agent dies.'), 'daemon'),
    server: scoped(
      ServerSchema.prefault({}).describe('The API and web dashboard served by the daemon.'),
      'daemon',
    ),
    scheduler: scoped(
      SchedulerSchema.prefault({}).describe('Starting ready tasks without being asked.'),
      'repo',
    ),
    landing: scoped(
      LandingSchema.prefault({}).describe('Landing finished tasks on the base branch.'),
      'repo',
    ),
    log: scoped(LogSchema.prefault({}).describe("The daemon's log files."), 'daemon'),
    hooks: scoped(
      HooksSchema.prefault({}).describe('Commands the daemon runs when something happens to an agent.'),
      'daemon',
    ),
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
