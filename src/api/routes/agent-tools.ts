import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AgentToolService } from '../../core/agent-tools.js';
import type { AgentService } from '../../core/agents.js';
import {
  AgentProgressSchema,
  AgentTaskCreateSchema,
  AgentTaskSchema,
  QuestionAskSchema,
  QuestionReplySchema,
  ReviewRequestSchema,
} from '../../domain/agent-tools.js';
import { TaskStatusSchema } from '../../domain/task.js';
import { actorOf } from '../actor.js';
import { defineRoute } from '../define.js';
import { AgentViewSchema, IdParams } from './schemas.js';

/** The longest one question ask waits for the answer; the agent's tool then asks again. */
export const MAX_QUESTION_WAIT_MS = 60_000;

/** `?status=todo&status=review` and `?status=todo,review` both mean [todo, review], as on GET /tasks. */
const TasksQuery = z
  .object({
    status: z
      .preprocess(
        (v) =>
          typeof v === 'string' || Array.isArray(v)
            ? (Array.isArray(v) ? v : [v])
                .flatMap((s) => (typeof s === 'string' ? s.split(',') : [s]))
                .filter((s) => s !== '')
            : v,
        z.array(TaskStatusSchema),
      )
      .optional()
      .describe('only tasks in these statuses'),
  })
  .strict();
const AskQuery = z
  .object({
    wait_ms: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_QUESTION_WAIT_MS)
      .optional()
      .describe('how long to wait for the answer before answering `pending` (default 25000)'),
  })
  .strict();
export const AnswerBodySchema = z
  .object({
    text: z.string().min(1).max(100_000).describe('the answer; the agent gets it as its tool result'),
  })
  .strict();
/** The agent after `answer`: which way the text went (its question's answer, or a message). */
export const AgentAnsweredSchema = AgentViewSchema.extend({ answered: z.enum(['question', 'message']) });

/**
 * The routes behind an agent's MCP tools (`flotilla mcp`, ADR 0022), each callable with the
 * agent's own token for its own `:id` only (the guard refuses any other id, and every other
 * route, with 403), and the user's `answer` to a question, which an agent token never reaches.
 */
export function agentToolRoutes(tools: AgentToolService, agents: AgentService) {
  const tags = ['agent tools'];
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/agents/:id/tasks',
      summary: "The tasks of the agent's repo (the list_tasks tool): id, title, status, priority, dependsOn",
      tags,
      params: IdParams,
      query: TasksQuery,
      agentScoped: true,
      response: { 200: z.object({ tasks: z.array(AgentTaskSchema) }) },
      handler: async ({ params, query }) => ({
        tasks: await tools.listTasks(params.id, query.status ? { status: query.status } : {}),
      }),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/tasks',
      summary:
        "File a follow-up task in the agent's repo (the create_task tool); it may depend on tasks of that repo only; status backlog unless todo is asked",
      tags,
      params: IdParams,
      body: AgentTaskCreateSchema,
      agentScoped: true,
      response: { 201: AgentTaskSchema },
      handler: async ({ params, body, request, reply }) => {
        const task = await tools.createTask(params.id, body, actorOf(request));
        reply.code(201);
        return task;
      },
    });

    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/progress',
      summary:
        'The agent says what it is doing (the report_progress tool): one line, control characters removed, clipped to 300 characters; shown on its card',
      tags,
      params: IdParams,
      body: z.object({ text: z.string().min(1).max(10_000) }).strict(),
      agentScoped: true,
      response: { 200: AgentProgressSchema },
      handler: async ({ params, body, request }) =>
        tools.reportProgress(params.id, body.text, actorOf(request)),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/questions',
      summary:
        'The agent asks its user (the ask_user tool): it shows needs_input with the question, and this waits up to ' +
        'wait_ms for `flotilla answer`, answering `pending` if none came; asking again with the same askId waits on the same question',
      tags,
      params: IdParams,
      query: AskQuery,
      body: QuestionAskSchema,
      agentScoped: true,
      response: { 200: QuestionReplySchema },
      handler: async ({ params, query, body, request }) =>
        tools.askUser(params.id, body, query.wait_ms ?? 25_000, actorOf(request)),
    });

    defineRoute(api, {
      method: 'DELETE',
      url: '/agents/:id/questions/:askId',
      summary:
        'The asking tool call was cancelled (the user interrupted the agent): its question is dropped unanswered',
      tags,
      params: z.object({ id: IdParams.shape.id, askId: QuestionAskSchema.shape.askId }),
      agentScoped: true,
      response: { 200: z.object({ withdrawn: z.boolean() }) },
      handler: async ({ params, request }) => ({
        withdrawn: await tools.withdrawQuestion(params.id, params.askId, actorOf(request)),
      }),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/ready-for-review',
      summary:
        'The agent hands its own task over (the ready_for_review tool): the task moves from in_progress to review, the summary kept in the task.moved event',
      tags,
      params: IdParams,
      body: ReviewRequestSchema,
      agentScoped: true,
      response: { 200: AgentTaskSchema },
      handler: async ({ params, body, request }) =>
        tools.readyForReview(params.id, body.summary, actorOf(request)),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/agents/:id/answer',
      summary:
        'Answer the question the agent asked (its ask_user tool gets the text as its result); with no question open, an agent waiting at its prompt gets the text as a message',
      tags: ['agents'],
      params: IdParams,
      body: AnswerBodySchema,
      response: { 200: AgentAnsweredSchema },
      handler: async ({ params, body, request }) => agents.answer(params.id, body.text, actorOf(request)),
    });
  };
}
