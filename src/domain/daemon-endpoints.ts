/**
 * Where a client finds the daemon and its API, named once. Clients below the API — an agent's
 * hook (agents/hook-cli.ts) and a headless agent's MCP bridge — must know them without importing
 * the daemon or the routes; the daemon and its routes use the same names. No imports: the hook's
 * fast path loads node built-ins only.
 */

/** The file in the state dir where a running daemon says where it listens (`{url, pid, …}`). */
export const DAEMON_INFO_FILE = 'daemon.json';

/** Every API route lives under this prefix. */
export const API_PREFIX = '/api/v1';

/** The route an agent's hook pokes after it appended its line (fastify syntax, under API_PREFIX). */
export const HOOK_POKE_ROUTE = '/agents/:id/hook-events';

/** The poke's path for one agent, under API_PREFIX. */
export const hookPokePath = (agentId: string): string => HOOK_POKE_ROUTE.replace(':id', agentId);
