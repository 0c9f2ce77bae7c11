/**
 * Who a request acts for, as the events it causes record it (the `actor` of each write):
 * - `user`: a person, through the dashboard (its session cookie) or the flotilla CLI (which
 *   names itself in the CLIENT_HEADER of every request);
 * - `agent:<id>`: an agent's own token (its hook pokes, a headless agent's permission asks);
 * - `api`: any other holder of the API token (a script, CI, another tool).
 * The header is not a credential: only a caller that already holds the full API token can send
 * it, and the actor is the audit trail's label, never a permission.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/event.js';

/** Sent by the flotilla CLI with every request (`x-flotilla-client: cli`). */
export const CLIENT_HEADER = 'x-flotilla-client';
export const CLI_CLIENT = 'cli';

export function actorOf(request: FastifyRequest): Actor {
  if (request.authVia === 'agent' && request.tokenAgent !== null) return `agent:${request.tokenAgent}`;
  if (request.authVia === 'session') return 'user';
  if (request.headers[CLIENT_HEADER] === CLI_CLIENT) return 'user';
  return 'api';
}
