/**
 * "Start ready tasks" — `flotilla up` from the page. The daemon decides which tasks are ready
 * and how many fit the concurrency limit; this says what it did, including what it skipped.
 */
import { useUp } from '../../api/queries.js';
import type { UpResult } from '../../api/types.js';
import { InlineError } from '../../components/ErrorState.js';

function describe(result: UpResult): string {
  const started = result.started.length;
  const head =
    started === 0
      ? 'No agent started'
      : `Started ${started} agent${started === 1 ? '' : 's'} (${result.running} of ${result.limit} running)`;
  if (result.skipped.length === 0) return started === 0 ? `${head}: no task is ready.` : `${head}.`;
  const reasons = result.skipped
    .slice(0, 3)
    .map((s) => `${s.title}: ${s.reason}`)
    .join('; ');
  const more = result.skipped.length > 3 ? ` and ${result.skipped.length - 3} more` : '';
  return `${head}. Skipped ${reasons}${more}.`;
}

export function StartAll({ primary = false }: { primary?: boolean }) {
  const up = useUp();
  return (
    <div className="start-all">
      <button
        type="button"
        className={primary ? 'primary' : undefined}
        disabled={up.isPending}
        aria-busy={up.isPending}
        onClick={() => up.mutate({})}
        title="Start an agent on every ready task, within the concurrency limit (flotilla up)"
      >
        Start ready tasks
      </button>
      <span role="status" className="start-all-result">
        {up.data ? describe(up.data) : ''}
      </span>
      <InlineError error={up.error} />
    </div>
  );
}
