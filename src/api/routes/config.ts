import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { evaluateConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { configRows, formatValue, redactConfig } from '../../config/show.js';
import type { Agent } from '../../domain/agent.js';
import { LIVE_AGENT_STATUSES } from '../../domain/values.js';
import { defineRoute } from '../define.js';
import { LimitsSchema } from './schemas.js';

/** What the config and limits routes need from the daemon. */
export interface ConfigRoutesOptions {
  config: () => Config;
  /** The daemon's user config file (from its state paths), read again to tell where values came from. */
  userConfigFile: string;
  agents: () => Promise<Agent[]>;
}

const ConfigSchema = z.object({
  config: z.record(z.string(), z.unknown()),
  rows: z.array(
    z.object({
      path: z.string(),
      value: z.unknown(),
      text: z.string(),
      /** `default`, `env FLOTILLA_…`, `user config.yaml:4`…; null when the daemon was given the value directly. */
      origin: z.string().nullable(),
      secret: z.boolean(),
    }),
  ),
});

/** The daemon's effective config (secrets redacted, with origins) and its limits against current use. */
export function configRoutes(opts: ConfigRoutesOptions) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/config',
      summary: "The daemon's effective config, secrets redacted, each value with where it was set",
      tags: ['system'],
      response: { 200: ConfigSchema },
      handler: async () => {
        const config = opts.config();
        // The daemon keeps only the values; re-reading the layers finds where each came from, and a
        // value that differs from what the layers say now was handed to the daemon directly.
        const evaluated = evaluateConfig({ env: process.env, userConfigFile: opts.userConfigFile });
        const origins = new Map(
          evaluated.config
            ? configRows({ config: evaluated.config, origins: evaluated.origins, files: [] }).map((r) => [
                r.path,
                r,
              ])
            : [],
        );
        const rows = configRows({ config, origins: evaluated.origins, files: [] }).map((r) => {
          const layered = origins.get(r.path);
          const same = layered !== undefined && formatValue(layered.value) === r.text;
          return {
            path: r.path,
            value: r.value,
            text: r.text,
            origin: same ? r.originText : null,
            secret: r.secret,
          };
        });
        return { config: redactConfig(config) as unknown as Record<string, unknown>, rows };
      },
    });

    defineRoute(api, {
      method: 'GET',
      url: '/limits',
      summary: 'The configured limits, and live agents against max_concurrent',
      tags: ['agents'],
      response: { 200: LimitsSchema },
      handler: async () => {
        const config = opts.config();
        const agents = await opts.agents();
        const byStatus: Partial<Record<Agent['status'], number>> = {};
        for (const a of agents) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
        const live = agents.filter((a) =>
          (LIVE_AGENT_STATUSES as readonly string[]).includes(a.status),
        ).length;
        return {
          limits: { ...config.limits },
          usage: { live, maxConcurrent: config.limits.max_concurrent, byStatus },
        };
      },
    });
  };
}
