import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AdapterNameSchema, type Agent, AgentModeSchema } from '../../domain/agent.js';
import { ConversationPageSchema } from '../../domain/conversation.js';
import { NotFoundError } from '../../domain/errors.js';
import { LIVE_AGENT_STATUSES } from '../../domain/values.js';
import type { AdmissionGate } from '../../scheduler/admission.js';
import type { Store } from '../../store/index.js';
import type { Supervisor } from '../../supervisor/index.js';
import { defineRoute } from '../define.js';
import {
  AgentListSchema,
  AgentLogsSchema,
  AgentRemoveSchema,
  type AgentView,
  AgentViewSchema,
  AllQuery,
  IdParams,
  OkSchema,
  RESOURCE_HISTORY,
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

/** What the agent routes need from the daemon. */
export interface AgentRoutesOptions {
  store: Store;
  supervisor: () => Supervisor;
  /** The gate every new agent passes (dependencies, the concurrency limit). */
  admission: AdmissionGate;
  tmuxSocket: () => string;
}

/** Agents: start, up, list, stop, restart, remove, send text, approve/deny, logs, hook pokes. */
export function agentRoutes({ store, supervisor, admission, tmuxSocket }: AgentRoutesOptions) {
  /** Views of many agents with one query for their task titles (not one per agent). */
  const views = async (agents: Agent[]): Promise<AgentView[]> => {
    const titles = await store.tasks.titles([...new Set(agents.map((a) => a.taskId))]);
    return agents.map((a) => withFigures(a, titles.get(a.taskId) ?? null));
  };

  // The agent list is read far more often (dashboards, `ps` loops) than it changes. Every change
  // to an agent or task row appends an event in the same transaction, and all writes go through
  // this daemon, so a counter bumped after each commit says exactly when the cache is stale.
  let changes = 0;
  store.onEvent(() => {
    changes++;
  });
  // CPU and memory are sampled every few seconds, so views may be reused for up to a second;
  // a status never is: any change invalidates at once.
  const FIGURES_MAX_AGE_MS = 1_000;
  const listCache = new Map<boolean, { at: number; builtAt: number; views: AgentView[] }>();
  const listAgents = async (all: boolean): Promise<AgentView[]> => {
    const hit = listCache.get(all);
    if (hit && hit.at === changes && Date.now() - hit.builtAt < FIGURES_MAX_AGE_MS) return hit.views;
    const at = changes;
    const agents = await supervisor().list({ all });
    const titles = await store.tasks.titles([...new Set(agents.map((a) => a.taskId))]);
    const built = agents.map((a) => withFigures(a, titles.get(a.taskId) ?? null));
    listCache.set(all, { at, builtAt: Date.now(), views: built });
    return built;
  };
  const view = async (agent: Agent): Promise<AgentView> => (await views([agent]))[0] as AgentView;
  const withFigures = (agent: Agent, taskTitle: string | null): AgentView => {
    const sup = supervisor();
    // A stopped or crashed agent has no process tree: old samples would mislead.
    const live = (LIVE_AGENT_STATUSES as readonly string[]).includes(agent.status);
    const samples = live ? sup.resources(agent.id).samples.slice(-RESOURCE_HISTORY) : [];
    const latest = samples.at(-1) ?? null;
    // The CPU figure is null on the first sample after a (re)start: dropped, since a 0 would
    // draw a dip that never happened. Memory is always measured.
    const cpuHistory: number[] = [];
    for (const s of samples) if (s.cpuPercent !== null) cpuHistory.push(s.cpuPercent);
    return {
      ...agent,
      taskTitle,
      cpuPercent: latest?.cpuPercent ?? null,
      rssBytes: latest?.rssBytes ?? null,
      cpuHistory,
      rssHistory: samples.map((s) => s.rssBytes),
      lastOutput: sup.lastOutput(agent.id),
      kind: sup.kindOf(agent),
      resumeAt: sup.resumeAt(agent.id),
      tmuxSocket: tmuxSocket(),
      warning: sup.warning(agent.id),
    };
  };

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
        return { agents: await listAgents(query.all === 'true') };
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
      handler: async ({ body, reply }) => {
        const agent = await admission.start(body.task, {
          ...(body.agent ? { agent: body.agent } : {}),
          ...(body.mode ? { mode: body.mode } : {}),
          force: body.force ?? false,
          ...(body.reuseBranch ? { reuseBranch: true } : {}),
          actor: 'api',
        });
        reply.code(201);
        return view(agent);
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
      handler: async ({ body }) => {
        let repoId: string | undefined;
        if (body.repo) {
          const repo = (await store.repos.list()).find((r) => r.id === body.repo || r.name === body.repo);
          if (!repo) throw new NotFoundError('repo', body.repo, 'list repos with: flotilla repo list');
          repoId = repo.id;
        }
        const result = await admission.up({
          ...(body.max ? { limit: body.max } : {}),
          ...(repoId ? { repoId } : {}),
        });
        return { ...result, started: await views(result.started) };
      },
    });

    const byId = (
      method: 'GET' | 'POST',
      url: string,
      summary: string,
      act: (id: string) => Promise<Agent>,
    ): void =>
      defineRoute(api, {
        method,
        url,
        summary,
        tags,
        params: IdParams,
        response: { 200: AgentViewSchema },
        handler: async ({ params }) => view(await act(params.id)),
      });
    byId('GET', '/agents/:id', 'One agent, by id or unique prefix', (id) => supervisor().get(id));
    byId(
      'POST',
      '/agents/:id/stop',
      'Stop an agent (SIGINT, then SIGTERM, then SIGKILL); its worktree stays',
      (id) => supervisor().stop(id),
    );
    byId('POST', '/agents/:id/restart', 'Restart an agent, resuming its own conversation', (id) =>
      supervisor().restart(id),
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
      handler: async ({ params, body }) => {
        const answered = await supervisor().approve(params.id, body.always ? { always: true } : {});
        return { ...(await view(await supervisor().get(params.id))), answered };
      },
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
      handler: async ({ params, body }) => {
        const answered = await supervisor().deny(
          params.id,
          body.message === undefined ? {} : { message: body.message },
        );
        return { ...(await view(await supervisor().get(params.id))), answered };
      },
    });

    defineRoute(api, {
      method: 'DELETE',
      url: '/agents/:id',
      summary: 'Remove an agent (its branch is kept; worktree: remove the worktree too, if clean or forced)',
      tags,
      params: IdParams,
      query: RemoveQuery,
      response: { 200: AgentRemoveSchema },
      handler: async ({ params, query }) =>
        supervisor().remove(params.id, {
          force: query.force === 'true',
          removeWorktree: query.worktree === 'true',
        }),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/send',
      summary: "Type text into the agent's session, then Enter",
      tags,
      params: IdParams,
      body: AgentSendBodySchema,
      response: { 200: OkSchema },
      handler: async ({ params, body }) => {
        await supervisor().send(params.id, body.text);
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
        text: await supervisor().logs(params.id, { lines: query.lines ?? 200, raw: query.raw === 'true' }),
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
        supervisor().conversation(params.id, {
          ...(query.after === undefined ? {} : { after: query.after }),
          limit: query.limit,
        }),
    });

    // The `flotilla hook` poke: the payload is already in the agent's events file.
    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/hook-events',
      summary: "Tell the daemon the agent's hook appended to its events file",
      tags,
      params: IdParams,
      // The one route an agent's own token reaches (its `flotilla hook` pokes).
      agentScoped: true,
      response: { 200: z.object({ read: z.number().int().min(0) }) },
      handler: async ({ params }) => ({ read: await supervisor().hookPoke(params.id) }),
    });
  };
}
