import type { FastifyInstance } from 'fastify';
import { agentFile } from '../agents/agent-dir.js';
import { LogSources } from '../api/logs/sources.js';
import { logRoutes } from '../api/routes/logs.js';
import type { ConversationBackend } from '../api/stream/conversation-follows.js';
import { StreamHub } from '../api/stream/route.js';
import { DEFAULT_LIMITS, type StreamLimits } from '../api/stream/session.js';
import { tmuxTerminals } from '../api/stream/terminal.js';
import { TmuxServer } from '../tmux/index.js';
import type { CorePlugin } from './core-plugin.js';
import type { DaemonContext, DaemonPlugin } from './plugin.js';
import { daemonFiles } from './state.js';

/** Options of the stream plugin (tests and benchmarks shrink the limits). */
export interface StreamPluginOptions {
  limits?: Partial<StreamLimits>;
  /** Serve the terminal channel (needs tmux); default true. */
  terminals?: boolean;
  /** Agents' conversations for `conversation.follow` (the supervisor's); absent: none. */
  conversations?: ConversationBackend;
}

/**
 * The WebSocket stream at /api/v1/stream: events with resume from the store's log, then live
 * from the core's bus; the per-agent terminal channel over Flotilla's tmux server, and live log
 * lines; plus the REST tail of the same logs (`GET /logs`), so both read a source the same way.
 */
export class StreamPlugin implements DaemonPlugin {
  readonly name = 'stream';
  private hub: StreamHub | undefined;

  constructor(
    private readonly core: CorePlugin,
    private readonly options: StreamPluginOptions = {},
  ) {}

  get instance(): StreamHub {
    if (!this.hub) throw new Error('stream plugin: used before the daemon mounted it');
    return this.hub;
  }

  async routes(api: FastifyInstance, ctx: DaemonContext): Promise<void> {
    const store = await this.core.open(ctx);
    const terminals =
      this.options.terminals === false
        ? null
        : tmuxTerminals(store, new TmuxServer({ socketName: ctx.config.tmux.socket }), ctx.paths);
    const logs = new LogSources({
      daemonLogFile: daemonFiles(ctx.paths).logFile,
      agentLogFile: (agentId) => agentFile(ctx.paths.agentsDir, agentId, 'paneLog'),
      resolveAgent: async (idOrPrefix) => (await store.agents.resolve(idOrPrefix)).id,
    });
    logRoutes(logs)(api);
    this.hub = new StreamHub({
      source: {
        list: (q) => store.events.list(q),
        latestId: () => store.events.latestId(),
        live: (listener) => this.core.bus.subscribe({ liveOnly: true }, listener),
      },
      version: ctx.version,
      terminals,
      terminalInput: () => ctx.config.server.terminal_input,
      logs,
      conversations: this.options.conversations ?? null,
      limits: { ...DEFAULT_LIMITS, ...this.options.limits },
    });
    await this.hub.mount(api);
    // Before the server closes the sockets, so each client is told why in a `bye`.
    ctx.signal.addEventListener('abort', () => this.hub?.closeAll(), { once: true });
  }

  stop(): void {
    this.hub?.closeAll();
  }
}
