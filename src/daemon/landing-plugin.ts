import type { FastifyInstance } from 'fastify';
import { landingRoutes } from '../api/routes/landing.js';
import { Dispatcher } from '../core/dispatcher.js';
import { GitFollower } from '../core/git-follow.js';
import { LandingService } from '../core/landing.js';
import { recoverLandings } from '../core/landing-recovery.js';
import type { LandingAgents } from '../core/landing-run.js';
import { ReviewService } from '../core/review.js';
import type { CorePlugin } from './core-plugin.js';
import type { DaemonContext, DaemonPlugin } from './plugin.js';
import type { SupervisorPlugin } from './supervisor-plugin.js';

/**
 * From task to main line: the landing queue, review, the dispatcher (`scheduler.auto`,
 * `up --watch`) and tasks following git. Started after the supervisor, whose agents it starts,
 * stops and sends messages to; stopped before it (a running landing finishes its step).
 */
export class LandingPlugin implements DaemonPlugin {
  readonly name = 'landing';
  private landings: LandingService | undefined;
  private dispatcher: Dispatcher | undefined;
  private follower: GitFollower | undefined;
  /** The supervisor as the landing services see it (built with them). */
  private agents: (() => LandingAgents) | undefined;

  constructor(
    private readonly core: CorePlugin,
    private readonly supervision: SupervisorPlugin,
  ) {}

  private build(ctx: DaemonContext): {
    landings: LandingService;
    dispatcher: Dispatcher;
    review: ReviewService;
  } {
    const store = this.core.store;
    const agents = (): LandingAgents & {
      lastOutput(id: string): string | null;
      usage(id: string): Promise<{ inputTokens: number; outputTokens: number; costUsd: number }>;
    } => {
      const sup = this.supervision.instance;
      return {
        configFor: (repo) => sup.configFor(repo),
        resumeWith: (id, text, actor) => sup.resumeWith(id, text, actor),
        stop: (id, actor, reason) => sup.stop(id, actor, reason),
        remove: (id, actor) => sup.remove(id, {}, actor),
        lastOutput: (id) => sup.lastOutput(id),
        usage: async (id) => {
          // A headless agent reports its totals in its stream; an interactive one's are the sum
          // of its transcript's turns, as its conversation view shows them.
          const streamed = await sup.usage(id);
          if (streamed.reports > 0) return streamed;
          const page = await sup.conversation(id, { after: -1, limit: 100_000 });
          const turns = page.entries.flatMap((e) => (e.kind === 'turn_end' && e.usage ? [e.usage] : []));
          return {
            inputTokens: turns.reduce((n, u) => n + u.inputTokens, 0),
            outputTokens: turns.reduce((n, u) => n + u.outputTokens, 0),
            costUsd: turns.reduce((n, u) => n + (u.costUsd ?? 0), 0),
          };
        },
      };
    };
    this.agents = agents;
    this.landings ??= new LandingService({ store, paths: ctx.paths, logger: ctx.logger, agents });
    this.dispatcher ??= new Dispatcher({
      store,
      bus: this.core.bus,
      logger: ctx.logger,
      gate: () => {
        const s = this.supervision.current;
        if (!s) return null;
        return {
          admission: s.admission,
          configFor: (repo) => s.supervisor.configFor(repo),
          agents: () => s.supervisor.list(),
        };
      },
    });
    return { landings: this.landings, dispatcher: this.dispatcher, review: new ReviewService(store, agents) };
  }

  routes(api: FastifyInstance, ctx: DaemonContext): void {
    const built = this.build(ctx);
    landingRoutes({
      ...built,
      repoId: async (ref) => (await this.core.service.repos.resolve(ref)).id,
    })(api);
  }

  async start(ctx: DaemonContext): Promise<void> {
    const { landings, dispatcher } = this.build(ctx);
    const store = this.core.store;
    await recoverLandings({
      store,
      logger: ctx.logger,
      agents: this.agents as () => LandingAgents,
      scratchPath: (id) => landings.scratchPath(id),
    });
    for (const repo of await store.repos.list()) landings.kick(repo.id);
    this.follower = new GitFollower({
      store,
      bus: this.core.bus,
      logger: ctx.logger,
      relaunch: async (taskId) => {
        await landings.relandIfSentBack(taskId);
      },
    });
    this.follower.start();
    dispatcher.start();
  }

  async stop(): Promise<void> {
    await this.dispatcher?.close();
    await this.follower?.close();
    await this.landings?.close();
  }
}
