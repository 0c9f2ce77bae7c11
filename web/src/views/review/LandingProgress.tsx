/**
 * A landing as it goes: queued, then each step of the run (predict → prepare → verify → advance
 * → finish), then landed or why not, with the conflicting hunks or the verify output the agent
 * was sent. Read from the task's landings, which the stream invalidates on every landing event.
 */
import type { Landing, LandingState, LandingStep } from '../../api/types.js';

/**
 * The steps in order. A Record keyed by the domain's step type, so a step added there fails the
 * type-check here (the value list itself stays out of the bundle: types.ts imports types only).
 */
const STEP_ORDER: Record<LandingStep, number> = { predict: 0, prepare: 1, verify: 2, advance: 3, finish: 4 };
const LANDING_STEPS = (Object.keys(STEP_ORDER) as LandingStep[]).sort(
  (a, b) => STEP_ORDER[a] - STEP_ORDER[b],
);

const STATE_TEXT: Record<LandingState, string> = {
  queued: 'queued',
  running: 'running',
  landed: 'landed',
  failed: 'failed',
  sent_back: 'sent back to the agent',
  cancelled: 'cancelled',
};

/** The badge class of a state: the fleet's status colours, so a glance reads the same everywhere. */
const STATE_CLASS: Record<LandingState, string> = {
  queued: 'status-starting',
  running: 'status-working',
  landed: 'status-done',
  failed: 'status-failed',
  sent_back: 'status-needs_input',
  cancelled: 'status-idle',
};

export function LandingProgress({ landing }: { landing: Landing }) {
  const current = landing.step ? STEP_ORDER[landing.step] : -1;
  return (
    <div className="landing" data-testid="landing" data-state={landing.state}>
      <p className="landing-head" aria-live="polite">
        Landing <span className="mono">{landing.id}</span>:{' '}
        <span className={`status ${STATE_CLASS[landing.state]}`} data-testid="landing-state">
          {STATE_TEXT[landing.state]}
        </span>
        {landing.state === 'running' && landing.step && <> — {landing.step}</>}{' '}
        <span className="muted">
          ({landing.strategy} onto {landing.baseRef})
        </span>
      </p>
      {(landing.state === 'running' || landing.state === 'queued') && (
        <ol className="landing-steps" aria-label="Steps">
          {LANDING_STEPS.map((s, i) => {
            const done = i < current;
            const now = i === current && landing.state === 'running';
            return (
              <li
                key={s}
                className={now ? 'now' : done ? 'done' : undefined}
                aria-current={now ? 'step' : undefined}
              >
                {done ? '✓ ' : now ? '▸ ' : ''}
                {s}
              </li>
            );
          })}
        </ol>
      )}
      {landing.state === 'landed' && landing.commit && (
        <p>
          {landing.baseRef} is now at <span className="mono">{landing.commit.slice(0, 12)}</span>
          {landing.baseBefore && <span className="muted"> (was {landing.baseBefore.slice(0, 12)})</span>}
        </p>
      )}
      {landing.failure && (
        <p className="inline-error" role="alert">
          {landing.failure}: {landing.message}
        </p>
      )}
      {!landing.failure && landing.message && landing.state !== 'landed' && <p>{landing.message}</p>}
      {landing.conflicts.length > 0 && (
        <div>
          <h3>Conflicts</h3>
          <ul className="landing-conflicts">
            {landing.conflicts.map((c) => (
              <li key={c.path}>
                <span className="mono">{c.path}</span>
                {c.hunks.map((h, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: hunks of one file, in file order, never reordered
                  <pre key={i} className="landing-pre">
                    {h}
                  </pre>
                ))}
              </li>
            ))}
          </ul>
        </div>
      )}
      {landing.verifyOutput !== null && (
        <details open={landing.failure === 'verify'}>
          <summary>
            Verify output
            {landing.verifyExit !== null && <span className="muted"> (exit {landing.verifyExit})</span>}
          </summary>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable output must take focus to be scrolled by keyboard */}
          <pre className="landing-pre" tabIndex={0}>
            {landing.verifyOutput || '(no output)'}
          </pre>
        </details>
      )}
    </div>
  );
}
