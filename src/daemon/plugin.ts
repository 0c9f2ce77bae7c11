import type { FastifyInstance } from 'fastify';
import type { StatePaths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';

/** What a plugin sees of the daemon it runs in. */
export interface DaemonContext {
  paths: StatePaths;
  config: Config;
  logger: Logger;
  version: string;
  /** The base URL clients (and agents' hooks) reach the API at; set once the server listens. */
  url: string;
  /** Aborted when the daemon begins to stop: background loops end on it. */
  signal: AbortSignal;
}

/**
 * A part of the daemon (supervisor, scheduler, event stream, web UI…). The daemon mounts each
 * plugin's routes before it listens, starts the plugins in order once it listens (and only then
 * announces itself in daemon.json), and stops them in reverse order when it stops.
 */
export interface DaemonPlugin {
  name: string;
  /** Adds routes under /api/v1; `ctx.url` is not known yet. */
  routes?(api: FastifyInstance, ctx: DaemonContext): void | Promise<void>;
  /** Adds routes at the site root, outside /api/v1 (the dashboard); the guard applies as everywhere. */
  rootRoutes?(app: FastifyInstance, ctx: DaemonContext): void | Promise<void>;
  /** Starts background work; a throw aborts the daemon's start. */
  start?(ctx: DaemonContext): void | Promise<void>;
  /** Stops it; bounded by the daemon's stop timeout. Must not stop agents: they outlive the daemon. */
  stop?(ctx: DaemonContext): void | Promise<void>;
}
