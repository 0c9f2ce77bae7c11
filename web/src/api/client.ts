/**
 * The dashboard's only way to the daemon's REST API (`/api/v1`). Same-origin requests carry the
 * session cookie `flotilla web` set; every refusal arrives in the API's one error shape and is
 * thrown as an ApiError so views can show its message and hint instead of a blank page.
 */

/** The API's error body, `{error: {code, message, hint?, issues?}}`. */
interface ErrorBody {
  error?: { code?: string; message?: string; hint?: string; issues?: { path: string; message: string }[] };
}

/** A refused or failed API call, with the daemon's own code and words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    /** Per-field problems of a refused body (`path` is the dotted field name). */
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No valid session: the page must send the user to `flotilla web` for a login link. */
  get unauthenticated(): boolean {
    return this.status === 401;
  }
}

export const API_BASE = '/api/v1';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Listeners told about every 401, so the shell can swap to the sign-in page at once. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** Calls the API; resolves with the parsed JSON body or throws an ApiError. */
export async function api<T>(path: string, options: { method?: Method; body?: unknown } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      credentials: 'same-origin',
      headers:
        options.body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (e) {
    throw new ApiError(
      0,
      'NETWORK',
      `cannot reach the Flotilla daemon (${String(e)})`,
      'is it running? `flotilla daemon status`',
    );
  }
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const err = (parsed as ErrorBody | null)?.error;
    const error = new ApiError(
      response.status,
      err?.code ?? `HTTP_${response.status}`,
      err?.message ?? `${method} ${path} failed with HTTP ${response.status}`,
      err?.hint,
      err?.issues ?? [],
    );
    if (error.unauthenticated) for (const l of unauthenticatedListeners) l();
    throw error;
  }
  return parsed as T;
}

/** Builds a query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}
