import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdapterKind, AgentAdapter, AgentEntryConfig } from '../agents/types.js';
import type { StatePaths } from '../config/paths.js';
import { type Config, isBuiltinAgent } from '../config/schema.js';
import type { Agent } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Task } from '../domain/task.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../store/open.js';
import type { TmuxServer } from '../tmux/index.js';
import type { HookIngestor } from './hook-events.js';
import type { AgentMachines } from './machine.js';
import type { RepoConfigLoader, RepoConfigs } from './repo-config.js';
import type { RuntimeTable } from './runtime.js';

/** The pino-compatible subset of a logger the supervisor writes to. */
export interface SupervisorLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Finds the adapter of a kind; `entry` carries per-agent settings (a custom agent's pane patterns). */
export type AdapterLookup = (kind: AdapterKind, entry?: AgentEntryConfig) => AgentAdapter;

/** Builds the text an agent is asked to do from its task (prompt, plus commit instructions). */
export type PromptBuilder = (task: Pick<Task, 'id' | 'title' | 'prompt'>, entry: AgentEntryConfig) => string;

/** What `new Supervisor(…)` takes. Only the first five are required. */
export interface SupervisorOptions {
  store: Store;
  config: Config;
  paths: StatePaths;
  tmux: TmuxServer;
  bus: EventBus;
  logger?: SupervisorLogger;
  /** Loads a repo's effective config (its flotilla.yaml over the daemon's layers); default: `config` for all. */
  configForRepo?: RepoConfigLoader;
  /** Clock (epoch ms); tests may drive it. */
  now?: () => number;
  /** Adapter of a kind, given the agent's config entry (default: the registry in src/agents). */
  adapterFor?: AdapterLookup;
  /** Prompt text from a task (default: src/agents/prompt.ts). */
  buildPrompt?: PromptBuilder;
  /** argv that runs `flotilla hook` (default: this node + bin/flotilla.js + 'hook'). */
  hookArgv?: string[];
  /** The daemon's URL, given to agents as FLOTILLA_DAEMON_URL (their MCP bridge asks it). */
  daemonUrl?: string | null;
  /** The daemon's environment: PATH to find agent commands, HOME. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Health tick period. Default 1,000 ms. */
  tickMs?: number;
  /** Resource sampling period. Default 5,000 ms. */
  resourceEveryMs?: number;
  /** `starting` for this long with no signal → an agent.health warning. Default 60 s. */
  startTimeoutMs?: number;
  /** Wait after SIGINT and after SIGTERM when stopping. Default 3,000 ms. */
  stopGraceMs?: number;
}

/** Everything the supervisor's parts share; built once by the Supervisor. */
export interface SupervisorContext {
  readonly store: Store;
  readonly config: Config;
  /** Per-repo config (the daemon's layers + the repo's flotilla.yaml). */
  readonly repoConfigs: RepoConfigs;
  readonly paths: StatePaths;
  readonly tmux: TmuxServer;
  readonly bus: EventBus;
  readonly logger: SupervisorLogger;
  readonly now: () => number;
  readonly adapterFor: AdapterLookup;
  readonly buildPrompt: PromptBuilder;
  readonly hookArgv: string[];
  readonly daemonUrl: string | null;
  readonly env: NodeJS.ProcessEnv;
  readonly machines: AgentMachines;
  readonly runtime: RuntimeTable;
  readonly ingestor: HookIngestor;
  readonly startTimeoutMs: number;
  readonly stopGraceMs: number;
}

export const silentLogger: SupervisorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** `node <repo>/bin/flotilla.js hook`: absolute paths, so an agent's PATH cannot change it. */
export function defaultHookArgv(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/supervisor (tests) and dist/supervisor (built) both sit two levels below the package.
  return [process.execPath, resolve(here, '..', '..', 'bin', 'flotilla.js'), 'hook'];
}

/** The config entry (`agents.<name>`) an agent was started from, with its adapter kind. */
export function agentEntry(config: Config, name: string): AgentEntryConfig {
  const entry = config.agents[name];
  if (!entry) {
    const names = Object.keys(config.agents).sort().join(', ');
    throw new FlotillaError('INVALID_INPUT', `unknown agent '${name}': configured agents are ${names}`, {
      hint: `use one of ${names}, or define '${name}' under agents: in the config`,
    });
  }
  return entry as AgentEntryConfig;
}

/** The adapter an existing agent row needs, even if its config entry has since disappeared. */
export function adapterOf(
  ctx: Pick<SupervisorContext, 'repoConfigs' | 'adapterFor'>,
  agent: Pick<Agent, 'adapter' | 'repoId'>,
): AgentAdapter {
  const entry = ctx.repoConfigs.forQuietly(agent.repoId).agents[agent.adapter] as
    | AgentEntryConfig
    | undefined;
  return ctx.adapterFor(entry?.adapter ?? knownKind(agent.adapter), entry);
}

function knownKind(name: string): AdapterKind {
  return isBuiltinAgent(name) ? name : 'custom';
}

/** Whether the agent's status comes (also) from stream lines. */
export function streams(
  ctx: Pick<SupervisorContext, 'repoConfigs' | 'adapterFor'>,
  agent: Pick<Agent, 'adapter' | 'repoId' | 'mode'>,
): boolean {
  const adapter = adapterOf(ctx, agent);
  return agent.mode === 'headless' && adapter.signals.stream && adapter.fromStreamLine !== undefined;
}
