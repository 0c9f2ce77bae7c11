import { ApiError } from '../api/client.js';

/** An API error in the daemon's own words (code, message, hint), with a way to try again. */
export function ErrorState({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
}) {
  const api = error instanceof ApiError ? error : null;
  return (
    <section className="error-state" role="alert">
      <h2>{title}</h2>
      <p>{api ? api.message : error instanceof Error ? error.message : String(error)}</p>
      {api?.hint && <p className="muted">{api.hint}</p>}
      {api && <p className="muted mono">{api.code}</p>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </section>
  );
}

/** An inline one-line error for a failed action (a button that did not work must say why). */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof ApiError ? error.hint : undefined;
  return (
    <p className="inline-error" role="alert">
      {message}
      {hint && <span className="muted"> — {hint}</span>}
    </p>
  );
}
