/**
 * Where a client finds the daemon and its API, named once. Clients below the API (a headless
 * agent's MCP bridge) must know them without importing the daemon or the routes; the daemon and
 * its routes use the same names. No imports: those clients load as little as they can.
 */

/** The file in the state dir where a running daemon says where it listens (`{url, pid, …}`). */
export const DAEMON_INFO_FILE = 'daemon.json';

/** Every API route lives under this prefix. */
export const API_PREFIX = '/api/v1';

/**
 * The route that makes the daemon read an agent's new hook lines now (fastify syntax, under
 * API_PREFIX). Flotilla's own hooks no longer call it (the daemon watches the file); it stays
 * for hook writers of the user's own that want their line read at once.
 */
export const HOOK_POKE_ROUTE = '/agents/:id/hook-events';
