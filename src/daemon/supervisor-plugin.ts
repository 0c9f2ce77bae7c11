import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { agentRoutes } from '../api/routes/agents.js';
import { bulkAgentRoutes } from '../api/routes/agents-bulk.js';
import { configRoutes } from '../api/routes/config.js';
import { eventRoutes } from '../api/routes/events.js';
import { permissionRoutes } from '../api/routes/permissions.js';
import { worktreeRoutes } from '../api/routes/worktrees.js';
import { expandHome } from '../config/paths.js';
import { EventBus } from '../events/bus.js';
import { StatusHookRunner } from '../integrations/status-hook.js';
import { Admission } from '../scheduler/admission.js';
import { Supervisor } from '../supervisor/index.js';
import { TmuxServer, writeServerConfig } from '../tmux/index.js';
import type { CorePlugin } from './core-plugin.js';
import type { DaemonContext, DaemonPlugin } from './plugin.js';

/**
 * The supervisor inside the daemon: agent, worktree and event routes, and the boot-time
 * reconciliation plus health loop. Stopping it stops watching only; agents keep running.
 */
export class SupervisorPlugin implements DaemonPlugin {
  readonly name = 'supervisor';
  readonly bus = new EventBus();
  private supervisor: Supervisor | undefined;
  private statusHook: StatusHookRunner | undefined;

  constructor(private readonly core: CorePlugin) {}

  get instance(): Supervisor {
    if (!this.supervisor) throw new Error('supervisor plugin: used before the daemon started it');
    return this.supervisor;
  }

  routes(api: FastifyInstance, ctx: DaemonContext): void {
    const store = this.core.store;
    // One admission per daemon: it alone counts slots, so concurrent starts cannot overshoot.
    const admission = new Admission({
      resolveTask: (id) => store.tasks.resolve(id),
      getTask: (id) => store.tasks.get(id),
      readyTasks: (repoId) => store.tasks.ready(repoId),
      todoTasks: (repoId) => store.tasks.list({ status: ['todo'], ...(repoId ? { repoId } : {}) }),
      agents: () => this.instance.list(),
      launch: (taskId, options) => this.instance.start(taskId, options),
      maxConcurrent: () => ctx.config.limits.max_concurrent,
    });
    agentRoutes({
      store,
      supervisor: () => this.instance,
      admission,
      tmuxSocket: () => ctx.config.tmux.socket,
    })(api);
    bulkAgentRoutes({ store, supervisor: () => this.instance })(api);
    permissionRoutes(() => this.instance)(api);
    worktreeRoutes(store)(api);
    eventRoutes(store)(api);
    configRoutes({
      config: () => ctx.config,
      userConfigFile: ctx.paths.userConfigFile,
      agents: () => this.instance.list(),
    })(api);
  }

  async start(ctx: DaemonContext): Promise<void> {
    const [{ checkTmux }, { loadConfig }] = await Promise.all([
      import('../tmux/index.js'),
      import('../config/load.js'),
    ]);
    // Refuse to run without a usable tmux: every agent needs it, and the message says how to get it.
    await checkTmux();
    this.supervisor = new Supervisor({
      store: this.core.store,
      config: ctx.config,
      paths: ctx.paths,
      tmux: new TmuxServer({
        socketName: ctx.config.tmux.socket,
        env: agentServerEnv(process.env),
        // What Claude Code needs (focus-events…), then the user's tmux.config if any.
        configFile: writeServerConfig(
          join(ctx.paths.home, 'tmux', `${ctx.config.tmux.socket}.conf`),
          ctx.config.tmux.config === null ? null : expandHome(ctx.config.tmux.config),
        ),
      }),
      bus: this.bus,
      logger: ctx.logger,
      daemonUrl: ctx.url,
      // Each repo's flotilla.yaml applies to the agents working in it.
      configForRepo: (repoPath) => loadConfig({ repoRoot: repoPath, env: process.env, cwd: repoPath }).config,
    });
    // Subscribed live-only before boot: reconciliation's own status changes are hooked too.
    this.statusHook = new StatusHookRunner(
      this.bus,
      () => ({ onStatus: ctx.config.hooks.on_status, timeoutSeconds: ctx.config.hooks.timeout_seconds }),
      ctx.logger,
    );
    const report = await this.supervisor.boot();
    ctx.logger.info({ report }, 'reconciled agents with tmux and git');
  }

  async stop(): Promise<void> {
    this.statusHook?.close();
    this.statusHook = undefined;
    await this.supervisor?.close();
    this.supervisor = undefined;
  }
}

/**
 * The environment of Flotilla's tmux server, which every agent inherits: the daemon's own,
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
