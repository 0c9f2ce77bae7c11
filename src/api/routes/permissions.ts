import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AgentService } from '../../core/agents.js';
import { PermissionAskSchema, PermissionReplySchema } from '../../domain/permission.js';
import { defineRoute } from '../define.js';
import { IdParams } from './schemas.js';

/** The longest one ask waits for the user; the agent's prompt tool then asks again. */
export const MAX_PERMISSION_WAIT_MS = 60_000;
const AskQuery = z
  .object({
    wait_ms: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_PERMISSION_WAIT_MS)
      .optional()
      .describe('how long to wait for the decision before answering `pending` (default 25000)'),
  })
  .strict();

/** A headless agent's permission requests: the one route its `flotilla mcp` prompt tool calls. */
export function permissionRoutes(agents: AgentService) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/permission-requests',
      summary:
        "A headless agent asks to run a tool (Claude Code's permission prompt tool, served by `flotilla mcp`): " +
        "decided at once by the agent's permission rules, else the agent shows needs_permission and this waits " +
        'up to wait_ms for `approve`/`deny`, answering `pending` if none came; asking again with the same ' +
        'tool_use_id waits on the same request',
      tags: ['agents'],
      params: IdParams,
      query: AskQuery,
      body: PermissionAskSchema,
      // The agent's own token asks for its own agent; it can never answer (approve/deny refuse it).
      agentScoped: true,
      response: { 200: PermissionReplySchema },
      handler: async ({ params, query, body }) =>
        agents.askPermission(params.id, body, query.wait_ms ?? 25_000),
    });
  };
}
