import type { FastifyInstance } from 'fastify';
import { agentToolRoutes } from '../api/routes/agent-tools.js';
import { agentRoutes } from '../api/routes/agents.js';
import { bulkAgentRoutes } from '../api/routes/agents-bulk.js';
import { configRoutes } from '../api/routes/config.js';
import { eventRoutes } from '../api/routes/events.js';
import { permissionRoutes } from '../api/routes/permissions.js';
import { worktreeRoutes } from '../api/routes/worktrees.js';
import { AgentToolService } from '../core/agent-tools.js';
import { AgentService, type SupervisionSlot } from '../core/agents.js';
import { createSupervision, type Supervision } from '../core/supervision.js';
import { WorktreeService } from '../core/worktrees.js';
import { StatusHookRunner } from '../integrations/status-hook.js';
import type { Supervisor } from '../supervisor/index.js';
import type { CorePlugin } from './core-plugin.js';
import type { DaemonContext, DaemonPlugin } from './plugin.js';

/**
 * The supervisor inside the daemon: agent, worktree and event routes, and the boot-time
 * reconciliation plus health loop. Stopping it stops watching only; agents keep running.
 */
export class SupervisorPlugin implements DaemonPlugin {
  readonly name = 'supervisor';
  /** The supervision once started; the agent service reads it from here too. */
  private readonly slot: SupervisionSlot = { supervision: undefined };
  private statusHook: StatusHookRunner | undefined;

  constructor(private readonly core: CorePlugin) {}

  get instance(): Supervisor {
    return this.started().supervisor;
  }

  /** The supervision, or undefined before the daemon started it (the dispatcher waits for it). */
  get current(): Supervision | undefined {
    return this.slot.supervision;
  }

  private started(): Supervision {
    if (!this.slot.supervision) throw new Error('supervisor plugin: used before the daemon started it');
    return this.slot.supervision;
  }

  routes(api: FastifyInstance, ctx: DaemonContext): void {
    const store = this.core.store;
    // Routes are mounted before the supervisor exists (it starts once the server listens): the
    // service finds it in the slot `start` fills.
    const agents = new AgentService({
      store,
      slot: this.slot,
      repos: this.core.service.repos,
      config: ctx.config,
      bus: this.core.bus,
    });
    agentRoutes(agents)(api);
    bulkAgentRoutes(agents)(api);
    permissionRoutes(agents)(api);
    const tools = new AgentToolService({ store, tasks: this.core.service.tasks, slot: this.slot });
    agentToolRoutes(tools, agents)(api);
    worktreeRoutes(new WorktreeService(store, () => this.instance))(api);
    eventRoutes(this.core.service.events)(api);
    configRoutes({
      config: () => ctx.config,
      userConfigFile: ctx.paths.userConfigFile,
      agents: () => this.instance.list(),
    })(api);
  }

  async start(ctx: DaemonContext): Promise<void> {
    const supervision = await createSupervision({
      store: this.core.store,
      config: ctx.config,
      paths: ctx.paths,
      bus: this.core.bus,
      logger: ctx.logger,
      daemonUrl: ctx.url,
    });
    this.slot.supervision = supervision;
    // Subscribed live-only before boot: reconciliation's own status changes are hooked too.
    // Only when a command is set (the config is read at daemon start): with none, a status change
    // costs the runner nothing at all.
    if (ctx.config.hooks.on_status !== null) {
      this.statusHook = new StatusHookRunner(
        this.core.bus,
        () => ({ onStatus: ctx.config.hooks.on_status, timeoutSeconds: ctx.config.hooks.timeout_seconds }),
        ctx.logger,
      );
    }
    const report = await supervision.supervisor.boot();
    ctx.logger.info({ report }, 'reconciled agents with tmux and git');
  }

  async stop(): Promise<void> {
    this.statusHook?.close();
    this.statusHook = undefined;
    await this.slot.supervision?.supervisor.close();
    this.slot.supervision = undefined;
  }
}
