import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AgentService } from '../../core/agents.js';
import { AdapterNameSchema, AgentModeSchema } from '../../domain/agent.js';
import type { AgentView } from '../../domain/agent-view.js';
import { ConversationPageSchema } from '../../domain/conversation.js';
import { HOOK_POKE_ROUTE } from '../../domain/daemon-endpoints.js';
import { actorOf } from '../actor.js';
import { defineRoute } from '../define.js';
import {
  AgentListSchema,
  AgentLogsSchema,
  AgentRemoveSchema,
  AgentViewSchema,
  AllQuery,
  IdParams,
  OkSchema,
  UpResultSchema,
} from './schemas.js';

export type { AgentView } from './schemas.js';

export const AgentStartBodySchema = z
  .object({
    task: z.string().min(1).max(64),
    agent: AdapterNameSchema.optional(),
    mode: AgentModeSchema.optional(),
    // Start even if the task's dependencies are not done or limits.max_concurrent agents run.
    force: z.boolean().optional(),
    reuseBranch: z
      .boolean()
      .optional()
      .describe("start from the task's kept branch (its earlier worktree was removed), keeping its commits"),
  })
  .strict();
export const AgentSendBodySchema = z.object({ text: z.string().min(1).max(100_000) }).strict();
export const ApproveBodySchema = z
  .object({ always: z.boolean().optional().describe('choose "Yes, and don\'t ask again for …"') })
  .strict();
export const DenyBodySchema = z
  .object({
    message: z.string().min(1).max(2_000).optional().describe('one line the model gets with the refusal'),
  })
  .strict();
/** An agent after a dialog answer, with the option that was confirmed ("Yes", "No, <message>"). */
export const AgentAnswerSchema = AgentViewSchema.extend({ answered: z.string() });
export const UpBodySchema = z
  .object({ max: z.number().int().min(1).max(1000).optional(), repo: z.string().min(1).max(64).optional() })
  .strict();
const RemoveQuery = z
  .object({ force: z.enum(['true', 'false']).optional(), worktree: z.enum(['true', 'false']).optional() })
  .strict();
export const ConversationQuerySchema = z
  .object({
    after: z.coerce
      .number()
      .int()
      .min(-1)
      .optional()
      .describe(
        'only entries with a greater seq (the last one the client has); absent: the last `limit` entries',
      ),
    limit: z.coerce.number().int().min(1).max(1000).default(200).describe('how many entries at most'),
  })
  .strict();
const LogsQuery = z
  .object({
    lines: z.coerce.number().int().min(1).max(100_000).optional(),
    raw: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** Agents: start, up, list, stop, restart, remove, send text, approve/deny, logs, hook pokes. */
export function agentRoutes(agents: AgentService) {
  const tags = ['agents'];
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/agents',
      summary: 'List agents with live figures (all: include removed ones)',
      tags,
      query: AllQuery,
      response: { 200: AgentListSchema },
      handler: async ({ query }) => {
        return { agents: await agents.list({ all: query.all === 'true' }) };
      },
    });

    defineRoute(api, {
      method: 'POST',
      url: '/agents',
      summary:
        'Start an agent on a task, in its own worktree and tmux session (refused while its dependencies are not done or limits.max_concurrent agents run, unless force)',
      tags,
      body: AgentStartBodySchema,
      response: { 201: AgentViewSchema },
      handler: async ({ body: { task, ...options }, request, reply }) => {
        const agent = await agents.start(task, options, actorOf(request));
        reply.code(201);
        return agent;
      },
    });

    defineRoute(api, {
      method: 'POST',
      url: '/up',
      summary:
        'Start agents on ready tasks, in priority order, within the concurrency limit; says why each other todo task was not started',
      tags,
      body: UpBodySchema,
      response: { 200: UpResultSchema },
      handler: async ({ body, request }) => agents.up(body, actorOf(request)),
    });

    const byId = (
      method: 'GET' | 'POST',
      url: string,
      summary: string,
      act: (id: string, request: FastifyRequest) => Promise<AgentView>,
    ): void =>
      defineRoute(api, {
        method,
        url,
        summary,
        tags,
        params: IdParams,
        response: { 200: AgentViewSchema },
        handler: async ({ params, request }) => act(params.id, request),
      });
    byId('GET', '/agents/:id', 'One agent, by id or unique prefix', (id) => agents.get(id));
    byId(
      'POST',
      '/agents/:id/stop',
      'Stop an agent (SIGINT, then SIGTERM, then SIGKILL); its worktree stays',
      (id, request) => agents.stop(id, actorOf(request)),
    );
    byId('POST', '/agents/:id/restart', 'Restart an agent, resuming its own conversation', (id, request) =>
      agents.restart(id, actorOf(request)),
    );
    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/approve',
      summary:
        'Approve the permission dialog the agent shows: once, or (always) for this command from now on. ' +
        'Each key is verified on screen; 409 DIALOG_CHANGED when the screen stops matching',
      tags,
      params: IdParams,
      body: ApproveBodySchema,
      response: { 200: AgentAnswerSchema },
      handler: async ({ params, body, request }) =>
        agents.approve(params.id, body.always ? { always: true } : {}, actorOf(request)),
    });
    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/deny',
      summary:
        'Deny the permission dialog the agent shows, optionally telling the model what to do instead; ' +
        'verified on screen (the dialog closes and the call is marked rejected)',
      tags,
      params: IdParams,
      body: DenyBodySchema,
      response: { 200: AgentAnswerSchema },
      handler: async ({ params, body, request }) => agents.deny(params.id, body, actorOf(request)),
    });

    defineRoute(api, {
      method: 'DELETE',
      url: '/agents/:id',
      summary: 'Remove an agent (its branch is kept; worktree: remove the worktree too, if clean or forced)',
      tags,
      params: IdParams,
      query: RemoveQuery,
      response: { 200: AgentRemoveSchema },
      handler: async ({ params, query, request }) =>
        agents.remove(
          params.id,
          { force: query.force === 'true', removeWorktree: query.worktree === 'true' },
          actorOf(request),
        ),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/send',
      summary: "Type text into the agent's session, then Enter",
      tags,
      params: IdParams,
      body: AgentSendBodySchema,
      response: { 200: OkSchema },
      handler: async ({ params, body, request }) => {
        await agents.send(params.id, body.text, actorOf(request));
        return { ok: true as const };
      },
    });

    defineRoute(api, {
      method: 'GET',
      url: '/agents/:id/logs',
      summary: "The agent's recent output (raw: with terminal escapes)",
      tags,
      params: IdParams,
      query: LogsQuery,
      response: { 200: AgentLogsSchema },
      handler: async ({ params, query }) => ({
        text: await agents.logs(params.id, { lines: query.lines ?? 200, raw: query.raw === 'true' }),
      }),
    });

    defineRoute(api, {
      method: 'GET',
      url: '/agents/:id/conversation',
      summary:
        "The agent's conversation: prompts, assistant text, tool calls with their input, tool results, errors, turn ends with token usage",
      description:
        "Read from the agent's own records: an interactive Claude Code's transcript JSONL, a headless one's stream-json lines. " +
        'Entries are numbered by `seq` (0, 1, 2, …): poll with `after=<last seq>`, or follow over the stream with `conversation.follow`. ' +
        'An adapter that keeps no readable conversation answers `source: "none"` with a `note`. Texts longer than 64 KiB are cut (`fullChars` says how long they were).',
      tags,
      params: IdParams,
      query: ConversationQuerySchema,
      response: { 200: ConversationPageSchema },
      handler: async ({ params, query }) =>
        agents.conversation(params.id, {
          ...(query.after === undefined ? {} : { after: query.after }),
          limit: query.limit,
        }),
    });

    // The `flotilla hook` poke: the payload is already in the agent's events file.
    defineRoute(api, {
      method: 'POST',
      url: HOOK_POKE_ROUTE,
      summary: "Tell the daemon the agent's hook appended to its events file",
      tags,
      params: IdParams,
      // The one route an agent's own token reaches (its `flotilla hook` pokes).
      agentScoped: true,
      response: { 200: z.object({ read: z.number().int().min(0) }) },
      handler: async ({ params }) => ({ read: await agents.hookPoke(params.id) }),
    });
  };
}
