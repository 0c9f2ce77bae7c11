import { CorePlugin } from './core-plugin.js';
import type { DaemonPlugin } from './plugin.js';

/*
 * The list of a full daemon's plugins, in a file of its own: the plugins import CorePlugin (for
 * its store), so the list cannot live in core-plugin.ts without a cycle.
 */

/** Options of a full daemon's plugins (tests point the dashboard at their own files). */
export interface DefaultPluginsOptions {
  /** The built dashboard's folder; default: `dist/web` (see `defaultWebRoot`). */
  webRoot?: string;
}

/** Every plugin of a full daemon, in start order. */
export async function defaultPlugins(options: DefaultPluginsOptions = {}): Promise<DaemonPlugin[]> {
  const core = new CorePlugin();
  const [{ SupervisorPlugin }, { LandingPlugin }, { StreamPlugin }, { WebPlugin }] = await Promise.all([
    import('./supervisor-plugin.js'),
    import('./landing-plugin.js'),
    import('./stream-plugin.js'),
    import('./web-plugin.js'),
  ]);
  const { ConflictsPlugin } = await import('./conflicts-plugin.js');
  const supervisor = new SupervisorPlugin(core);
  return [
    core,
    supervisor,
    new LandingPlugin(core, supervisor),
    new ConflictsPlugin(core),
    new StreamPlugin(core, {
      conversations: { page: (agentId, query) => supervisor.instance.conversation(agentId, query) },
    }),
    new WebPlugin(options.webRoot === undefined ? {} : { root: options.webRoot }),
  ];
}
