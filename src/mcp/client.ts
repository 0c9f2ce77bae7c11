import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_INFO_FILE } from '../domain/daemon-endpoints.js';
import type { PermissionAsk, PermissionReply, PermissionVerdict } from '../domain/permission.js';

/**
 * `flotilla mcp`'s way to the daemon: every call goes with the agent's own token
 * (FLOTILLA_AGENT_TOKEN, good for nothing but this agent's agent-scoped routes), at the URL
 * daemon.json names at the time (the daemon may restart meanwhile). The prompt tool's side of a
 * permission request asks again until the request is decided; an unreachable daemon is retried
 * for `unreachableMs` before the call is denied (never allowed) with a message saying why. The
 * agent tools' calls are in agent-calls.ts.
 */

/** Where the prompt tool finds its agent and the daemon (the agent's environment). */
export interface AgentLink {
  home: string;
  agentId: string;
  token: string;
  /** The URL the agent was started with; daemon.json wins when it exists. */
  daemonUrl: string | null;
}

export interface AskOptions {
  /** How long one ask waits on the daemon's side. */
  waitMs?: number;
  /** How long a daemon may stay unreachable before the call is denied. */
  unreachableMs?: number;
  /** Pause between tries while the daemon is unreachable. */
  retryMs?: number;
  signal?: AbortSignal;
}

/** Reads the link from the agent's environment, or says what is missing. */
export function linkFromEnv(env: NodeJS.ProcessEnv): AgentLink | string {
  const home = env.FLOTILLA_HOME;
  const agentId = env.FLOTILLA_AGENT_ID;
  const token = env.FLOTILLA_AGENT_TOKEN;
  if (!home || !agentId || !token) {
    return 'flotilla mcp runs inside a Flotilla agent (FLOTILLA_HOME, FLOTILLA_AGENT_ID and FLOTILLA_AGENT_TOKEN are not all set)';
  }
  return { home, agentId, token, daemonUrl: env.FLOTILLA_DAEMON_URL || null };
}

function daemonUrl(link: AgentLink): string | null {
  try {
    const info = JSON.parse(readFileSync(join(link.home, DAEMON_INFO_FILE), 'utf8')) as { url?: unknown };
    if (typeof info.url === 'string') return info.url;
  } catch {}
  return link.daemonUrl;
}

const deny = (message: string): PermissionVerdict => ({ behavior: 'deny', message });
export const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/** What one request to the daemon came back with: its status and body text. */
export interface DaemonAnswer {
  status: number;
  ok: boolean;
  text: string;
}

/**
 * One request to the daemon with the agent's own token, at the URL daemon.json names now.
 * Throws when the daemon cannot be reached (no URL known, refused, timed out).
 */
export async function fetchDaemon(
  link: AgentLink,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body: unknown,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<DaemonAnswer> {
  const base = daemonUrl(link);
  if (base === null) throw new Error('no daemon URL is known');
  const url = new URL(
    `api/v1/agents/${encodeURIComponent(link.agentId)}/${path}`,
    base.endsWith('/') ? base : `${base}/`,
  );
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${link.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]),
  });
  return { status: res.status, ok: res.ok, text: await res.text() };
}

/** A 4xx other than 429: the agent is gone, the token retired, or the call refused; asking again cannot help. */
export const isFinalRefusal = (status: number): boolean => status >= 400 && status < 500 && status !== 429;

/** Asks until decided; resolves with the verdict for Claude Code (never rejects). */
export async function askDaemon(
  link: AgentLink,
  ask: PermissionAsk,
  options: AskOptions = {},
): Promise<PermissionVerdict> {
  const waitMs = options.waitMs ?? 25_000;
  const unreachableMs = options.unreachableMs ?? 10 * 60_000;
  const retryMs = options.retryMs ?? 1_000;
  let downSince: number | null = null;
  for (;;) {
    if (options.signal?.aborted) return deny('The permission request was cancelled.');
    let failure: string;
    try {
      const res = await fetchDaemon(
        link,
        'POST',
        `permission-requests?wait_ms=${waitMs}`,
        ask,
        waitMs + 15_000,
        options.signal,
      );
      if (res.ok) {
        const reply = JSON.parse(res.text) as PermissionReply;
        downSince = null;
        if (reply.state === 'decided' && reply.verdict) return reply.verdict;
        continue;
      }
      if (isFinalRefusal(res.status)) {
        return deny(`Flotilla refused the permission request (${res.status}): ${errorMessage(res.text)}`);
      }
      failure = `HTTP ${res.status}: ${errorMessage(res.text)}`;
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    downSince ??= Date.now();
    if (Date.now() - downSince >= unreachableMs) {
      return deny(
        `Flotilla's daemon did not answer the permission request for ${Math.round(unreachableMs / 1000)} s (${failure}); the tool was not run.`,
      );
    }
    await pause(retryMs, options.signal);
  }
}

/** The message of an error body (`{error: {message}}`), or the text's start. */
export function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string; hint?: string } };
    if (body.error?.message) return body.error.message;
  } catch {}
  return text.slice(0, 300);
}
