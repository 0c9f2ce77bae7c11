import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { mountDashboard } from '../api/dashboard.js';
import type { DaemonPlugin } from './plugin.js';

/** Options of the web plugin. */
export interface WebPluginOptions {
  /** The built dashboard's folder; default: `dist/web` next to this build (see `defaultWebRoot`). */
  root?: string;
}

/**
 * Where the built dashboard lives, found from this module's own location: compiled, this file
 * is `dist/daemon/web-plugin.js` and the web build `dist/web`; run from source (vitest, tsx)
 * it is `src/daemon/web-plugin.ts` and the build is still `<repo>/dist/web`.
 */
export function defaultWebRoot(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl));
  return basename(dirname(here)) === 'src'
    ? resolve(here, '..', '..', 'dist', 'web')
    : resolve(here, '..', 'web');
}

/**
 * The web dashboard at `/`: the built single-page app, public (it holds no data; the API it
 * calls needs the session), with an explanatory 503 page while it is not built.
 */
export class WebPlugin implements DaemonPlugin {
  readonly name = 'web';
  readonly root: string;

  constructor(options: WebPluginOptions = {}) {
    this.root = options.root ?? defaultWebRoot();
  }

  async rootRoutes(app: FastifyInstance): Promise<void> {
    await mountDashboard(app, { root: this.root });
  }
}
