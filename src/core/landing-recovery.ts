import type { Store } from '../store/index.js';
import type { SupervisorLogger } from '../supervisor/index.js';
import { finishLanding, type LandingAgents } from './landing-run.js';

/**
 * At boot: landings a dead daemon left running. Before the base moved (predict, prepare, verify,
 * or advance with the base still where it was) the landing goes back to the front of its queue
 * and is built again from scratch; once the base holds the prepared commit (advance or finish),
 * only the bookkeeping is left, and it is done now. The scratch worktree is always removed.
 */
export async function recoverLandings(deps: {
  store: Store;
  logger: SupervisorLogger;
  agents: () => LandingAgents;
  scratchPath(landingId: string): string;
}): Promise<{ requeued: string[]; finished: string[] }> {
  const { store } = deps;
  const git = await import('../git/index.js');
  const out = { requeued: [] as string[], finished: [] as string[] };
  for (const landing of await store.landings.list({ states: ['running'] })) {
    const repo = await store.repos.get(landing.repoId);
    if (repo) await git.removeScratch(repo.path, deps.scratchPath(landing.id)).catch(() => undefined);
    let tip: string | null = null;
    if (repo) {
      tip = await git.resolveRef(repo.path, `refs/heads/${landing.baseRef}`).catch(() => null);
    }
    const moved =
      (landing.step === 'advance' || landing.step === 'finish') &&
      landing.commit !== null &&
      landing.baseBefore !== null &&
      tip !== null &&
      (tip === landing.commit || (await git.isAncestor(repo!.path, landing.commit, tip)));
    if (moved) {
      await finishLanding(deps, landing, {
        baseBefore: landing.baseBefore as string,
        commit: landing.commit as string,
        how: 'recovered after a restart',
      });
      out.finished.push(landing.id);
    } else {
      await store.landings.requeue(landing.id);
      out.requeued.push(landing.id);
    }
  }
  if (out.requeued.length + out.finished.length > 0)
    deps.logger.info(out, 'landing: recovered after a restart');
  return out;
}
