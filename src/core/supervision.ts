import { join } from 'node:path';
import type { StatePaths } from '../config/paths.js';
import { expandHome } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import { availableMemoryMb } from '../proc/memory.js';
import { Admission } from '../scheduler/admission.js';
import type { Store } from '../store/index.js';
import { Supervisor, type SupervisorLogger } from '../supervisor/index.js';
import { TmuxServer, writeServerConfig } from '../tmux/index.js';
import { isTaskLanded } from './landed.js';

/**
 * The agent side of Flotilla as one composition, shared by the daemon and `createFlotilla()`:
 * Flotilla's own tmux server (configured as Claude Code needs, then the user's tmux.config), the
 * supervisor over it, and the one admission gate every new agent passes. Built once per process.
 */

export interface SupervisionOptions {
  store: Store;
  config: Config;
  paths: StatePaths;
  bus: EventBus;
  logger?: SupervisorLogger;
  /** The daemon's URL for agents' hooks; null when no HTTP server runs. */
  daemonUrl?: string | null;
  /** The environment agents inherit (default: this process's, minus Flotilla's internals). */
  env?: NodeJS.ProcessEnv;
}

export interface Supervision {
  supervisor: Supervisor;
  admission: Admission;
}

export async function createSupervision(options: SupervisionOptions): Promise<Supervision> {
  const { store, config, paths } = options;
  const [{ checkTmux }, { loadConfig }] = await Promise.all([
    import('../tmux/index.js'),
    import('../config/load.js'),
  ]);
  // Refuse to run without a usable tmux: every agent needs it, and the message says how to get it.
  await checkTmux();
  const env = options.env ?? process.env;
  const supervisor = new Supervisor({
    store,
    config,
    paths,
    tmux: new TmuxServer({
      socketName: config.tmux.socket,
      env: agentServerEnv(env),
      configFile: writeServerConfig(
        join(paths.home, 'tmux', `${config.tmux.socket}.conf`),
        config.tmux.config === null ? null : expandHome(config.tmux.config),
      ),
    }),
    bus: options.bus,
    ...(options.logger ? { logger: options.logger } : {}),
    daemonUrl: options.daemonUrl ?? null,
    env,
    // Each repo's flotilla.yaml applies to the agents working in it.
    // Its errors reach API clients: they name the repo's file by its whole path, not `flotilla.yaml`.
    configForRepo: (repoPath) =>
      loadConfig({ repoRoot: repoPath, env, cwd: repoPath, showPathsFrom: null }).config,
  });
  // One admission per process: it alone counts slots, so concurrent starts cannot overshoot.
  const admission = new Admission({
    tasks: store.tasks,
    agents: supervisor,
    config,
    landed: (task) => isTaskLanded(store, task),
    availableMemoryMb,
  });
  return { supervisor, admission };
}

/**
 * The environment of Flotilla's tmux server, which every agent inherits: the process's own,
 * minus Flotilla's internals (the agent gets FLOTILLA_AGENT_ID etc. per session) and TMUX.
 */
export function agentServerEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k === 'TMUX' || k === 'TMUX_PANE') continue;
    if (k.startsWith('FLOTILLA_') && k.includes('__')) continue;
    out[k] = v;
  }
  return out;
}
