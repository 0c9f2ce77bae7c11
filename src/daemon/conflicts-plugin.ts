import type { FastifyInstance } from 'fastify';
import { conflictRoutes } from '../api/routes/conflicts.js';
import { ConflictService, type ConflictTimings } from '../core/conflicts.js';
import type { CorePlugin } from './core-plugin.js';
import type { DaemonContext, DaemonPlugin } from './plugin.js';

/** Conflict prediction across live work: the service that keeps it, and `GET /conflicts`. */
export class ConflictsPlugin implements DaemonPlugin {
  readonly name = 'conflicts';
  private service: ConflictService | undefined;

  constructor(
    private readonly core: CorePlugin,
    /** Tests shorten the slow tick. */
    private readonly timings: ConflictTimings = {},
  ) {}

  async routes(api: FastifyInstance, ctx: DaemonContext): Promise<void> {
    await this.core.open(ctx);
    this.service = new ConflictService({
      store: this.core.store,
      bus: this.core.bus,
      logger: ctx.logger,
      ...this.timings,
    });
    conflictRoutes(this.service)(api);
  }

  /** Follows the bus once the daemon listens: agents adopted at boot are predicted on the first tick. */
  start(): void {
    this.service?.start();
  }

  async stop(): Promise<void> {
    await this.service?.close();
  }
}
