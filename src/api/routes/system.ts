import type { FastifyInstance } from 'fastify';

/** What the system routes need from the daemon. */
export interface SystemRoutesOptions {
  version: string;
  /** Epoch ms at which the daemon started. */
  startedAt: number;
  /** Begins a graceful stop; called once the reply has been sent. */
  onStopRequested: () => void;
}

/** Liveness, version and stop: the routes the CLI's daemon control needs. */
export function systemRoutes(api: FastifyInstance, opts: SystemRoutesOptions): void {
  // Public so a probe without credentials can tell "up" from "down", and nothing more.
  api.get('/health', { config: { public: true } }, async (request) => {
    if (!request.authenticated) return { ok: true };
    return {
      ok: true,
      version: opts.version,
      pid: process.pid,
      uptimeSeconds: Math.round((Date.now() - opts.startedAt) / 1000),
    };
  });

  api.get('/version', async () => ({
    version: opts.version,
    api: 'v1',
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
  }));

  api.post(
    '/daemon/stop',
    {
      // After the response, so the caller learns the stop was accepted before the socket closes.
      onResponse: async () => {
        setImmediate(opts.onStopRequested);
      },
    },
    async (_request, reply) => reply.code(202).send({ ok: true, stopping: true, pid: process.pid }),
  );
}
