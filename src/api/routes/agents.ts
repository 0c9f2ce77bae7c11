import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AdapterNameSchema, type Agent, AgentModeSchema } from '../../domain/agent.js';
import { NotFoundError } from '../../domain/errors.js';
import { LIVE_AGENT_STATUSES } from '../../domain/values.js';
import { up } from '../../scheduler/up.js';
import type { Store } from '../../store/index.js';
import type { Supervisor } from '../../supervisor/index.js';
import { parseBody, parseInput } from '../validate.js';

const IdParams = z.object({ id: z.string().min(1).max(64) });
export const AgentStartBodySchema = z
  .object({
    task: z.string().min(1).max(64),
    agent: AdapterNameSchema.optional(),
    mode: AgentModeSchema.optional(),
  })
  .strict();
export const AgentSendBodySchema = z.object({ text: z.string().min(1).max(100_000) }).strict();
export const UpBodySchema = z
  .object({ max: z.number().int().min(1).max(1000).optional(), repo: z.string().min(1).max(64).optional() })
  .strict();
const ListQuery = z.object({ all: z.enum(['true', 'false']).optional() }).strict();
const RemoveQuery = z
  .object({ force: z.enum(['true', 'false']).optional(), worktree: z.enum(['true', 'false']).optional() })
  .strict();
const LogsQuery = z
  .object({
    lines: z.coerce.number().int().min(1).max(100_000).optional(),
    raw: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** An agent as `ps` and the dashboard show it: the row plus live figures from the supervisor. */
export interface AgentView extends Agent {
  taskTitle: string | null;
  cpuPercent: number | null;
  rssBytes: number | null;
  resumeAt: string | null;
  /** The `tmux -L` socket name the agent's session lives on (for `flotilla attach`). */
  tmuxSocket: string;
}

/** What the agent routes need from the daemon. */
export interface AgentRoutesOptions {
  store: Store;
  supervisor: () => Supervisor;
  maxConcurrent: () => number;
  tmuxSocket: () => string;
}

/** Agents: start, up, list, stop, restart, remove, send text, approve/deny, logs, hook pokes. */
export function agentRoutes({ store, supervisor, maxConcurrent, tmuxSocket }: AgentRoutesOptions) {
  const view = async (agent: Agent): Promise<AgentView> => {
    const sup = supervisor();
    // A stopped or crashed agent has no process tree: old samples would mislead.
    const latest = (LIVE_AGENT_STATUSES as readonly string[]).includes(agent.status)
      ? sup.resources(agent.id).latest
      : null;
    const task = await store.tasks.get(agent.taskId);
    return {
      ...agent,
      taskTitle: task?.title ?? null,
      cpuPercent: latest?.cpuPercent ?? null,
      rssBytes: latest?.rssBytes ?? null,
      resumeAt: sup.resumeAt(agent.id),
      tmuxSocket: tmuxSocket(),
    };
  };

  return (api: FastifyInstance): void => {
    api.get('/agents', async (req) => {
      const { all } = parseInput(ListQuery, req.query, 'query');
      const agents = await supervisor().list({ all: all === 'true' });
      return { agents: await Promise.all(agents.map(view)) };
    });

    api.post('/agents', async (req, reply) => {
      const body = parseBody(AgentStartBodySchema, req.body);
      const agent = await supervisor().start(body.task, {
        ...(body.agent ? { agent: body.agent } : {}),
        ...(body.mode ? { mode: body.mode } : {}),
        actor: 'api',
      });
      return reply.code(201).send(await view(agent));
    });

    api.post('/up', async (req) => {
      const body = parseBody(UpBodySchema, req.body);
      let repoId: string | undefined;
      if (body.repo) {
        const repo = (await store.repos.list()).find((r) => r.id === body.repo || r.name === body.repo);
        if (!repo) throw new NotFoundError('repo', body.repo, 'list repos with: flotilla repo list');
        repoId = repo.id;
      }
      const result = await up(
        {
          readyTasks: (repo) => store.tasks.ready(repo),
          liveAgents: () => supervisor().list(),
          start: (taskId) => supervisor().start(taskId, { actor: 'scheduler' }),
        },
        { limit: body.max ?? maxConcurrent(), ...(repoId ? { repoId } : {}) },
      );
      return { ...result, started: await Promise.all(result.started.map(view)) };
    });

    api.get('/agents/:id', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      return view(await supervisor().get(id));
    });

    api.post('/agents/:id/stop', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      return view(await supervisor().stop(id));
    });

    api.post('/agents/:id/restart', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      return view(await supervisor().restart(id));
    });

    api.delete('/agents/:id', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const q = parseInput(RemoveQuery, req.query, 'query');
      return supervisor().remove(id, { force: q.force === 'true', removeWorktree: q.worktree === 'true' });
    });

    api.post('/agents/:id/send', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const { text } = parseBody(AgentSendBodySchema, req.body);
      await supervisor().send(id, text);
      return { ok: true };
    });

    api.post('/agents/:id/approve', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      await supervisor().approve(id);
      return view(await supervisor().get(id));
    });

    api.post('/agents/:id/deny', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      await supervisor().deny(id);
      return view(await supervisor().get(id));
    });

    api.get('/agents/:id/logs', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const q = parseInput(LogsQuery, req.query, 'query');
      return { text: await supervisor().logs(id, { lines: q.lines ?? 200, raw: q.raw === 'true' }) };
    });

    // The `flotilla hook` poke: the payload is already in the agent's events file.
    api.post('/agents/:id/hook-events', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      return { read: await supervisor().hookPoke(id) };
    });
  };
}
