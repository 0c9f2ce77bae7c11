import { z } from 'zod';
import { IdSchema } from './ids.js';
import { LabelSchema, PromptSchema, TaskPrioritySchema, TaskStatusSchema, TitleSchema } from './task.js';
import { cleanText } from './text.js';
import { TimestampSchema } from './time.js';

/**
 * What an agent may do for itself through Flotilla's MCP tools (`flotilla mcp`, served to every
 * Claude Code agent; see docs/adr/0022-mcp-tools-for-agents.md): the routes' inputs and answers,
 * and the payloads of the events they write. Every call is the agent's own (its token names it),
 * on its own task and its own repo only.
 */

/** The agent tools `flotilla mcp` serves, by name (Claude Code: `mcp__flotilla__<name>`). */
export const AGENT_TOOL_NAMES = [
  'list_tasks',
  'create_task',
  'report_progress',
  'ask_user',
  'ready_for_review',
] as const;
export type AgentToolName = (typeof AGENT_TOOL_NAMES)[number];

/** The agent tools' names as Claude Code knows them; an agent's settings allow exactly these. */
export const AGENT_TOOL_FQNS: readonly string[] = AGENT_TOOL_NAMES.map((t) => `mcp__flotilla__${t}`);

/** A task as an agent sees it in `list_tasks`: enough to pick a dependency, not the prompt. */
export const AgentTaskSchema = z.object({
  id: IdSchema,
  title: z.string(),
  status: TaskStatusSchema,
  priority: TaskPrioritySchema,
  dependsOn: z.array(IdSchema),
});
export type AgentTask = z.infer<typeof AgentTaskSchema>;

/**
 * A follow-up task an agent files in its own repo. It lands in `backlog` unless the agent asks
 * for `todo`: an agent's idea waits for a person to promote it, so agents do not start agents
 * behind the user's back (with `scheduler.auto` a `todo` task is dispatched as soon as it is
 * ready). Dependencies are ids or unique prefixes of tasks of the same repo.
 */
export const AgentTaskCreateSchema = z
  .object({
    title: TitleSchema,
    prompt: PromptSchema.optional(),
    priority: TaskPrioritySchema.default('normal'),
    status: z.enum(['backlog', 'todo']).default('backlog'),
    labels: z.array(LabelSchema).max(20).default([]),
    dependsOn: z.array(z.string().min(1).max(64)).max(50).default([]),
  })
  .strict();
export type AgentTaskCreate = z.input<typeof AgentTaskCreateSchema>;

/** The longest progress line kept (after control characters are removed and lines joined). */
export const PROGRESS_MAX_CHARS = 300;

/** `report_progress`: one short line on what the agent is doing; clipped to PROGRESS_MAX_CHARS. */
export const ProgressReportSchema = z.object({ text: z.string().trim().min(1).max(10_000) }).strict();

/** A progress report as it is kept and shown: one line, no control characters, clipped. */
export function progressLine(text: string): string {
  const line = cleanText(text).replace(/\s+/g, ' ').trim();
  return line.length <= PROGRESS_MAX_CHARS ? line : `${line.slice(0, PROGRESS_MAX_CHARS - 1)}…`;
}

/** The agent's latest progress line, as its view carries it. */
export const AgentProgressSchema = z.object({ text: z.string(), at: TimestampSchema });
export type AgentProgress = z.infer<typeof AgentProgressSchema>;

/** The longest question an agent may ask (it is shown whole on the agent page). */
export const QUESTION_MAX_CHARS = 4_000;

/**
 * `ask_user`: a question for the agent's user. `askId` is chosen by the asking tool call: asking
 * again with the same id (after a bounded wait, or a daemon restart) waits on the same question.
 */
export const QuestionAskSchema = z
  .object({
    askId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, 'an ask id is 8 to 64 letters, digits, _ or -')
      .describe('chosen by the caller; asking again with it waits on the same question'),
    question: z.string().trim().min(1).max(QUESTION_MAX_CHARS),
  })
  .strict();
export type QuestionAsk = z.infer<typeof QuestionAskSchema>;

/** The ask_user tool as Claude Code names it (its hooks and stream lines show the call). */
export const ASK_USER_TOOL_FQN = 'mcp__flotilla__ask_user';

/** The status detail of an agent waiting on its question: the card shows what follows "asks: ". */
export function questionDetail(question: string): string {
  const line = `asks: ${cleanText(question).replace(/\s+/g, ' ').trim()}`;
  return line.length <= 1_000 ? line : `${line.slice(0, 999)}…`;
}

/** The route's answer: the user's answer, or still pending after the wait. */
export const QuestionReplySchema = z.object({
  state: z.enum(['answered', 'pending']),
  questionId: z.string(),
  answer: z.string().nullable(),
});
export type QuestionReply = z.infer<typeof QuestionReplySchema>;

/** A question an agent waits on, kept until its answer is delivered. */
export const QuestionSchema = z.object({
  id: z.string(),
  askId: z.string(),
  question: z.string(),
  askedAt: z.string(),
});
export type Question = z.infer<typeof QuestionSchema>;

/** `ready_for_review`: the agent says its task is done, with an optional summary for the reviewer. */
export const ReviewRequestSchema = z
  .object({ summary: z.string().trim().min(1).max(10_000).optional() })
  .strict();

/** The longest review summary kept in the `task.moved` event. */
export const REVIEW_SUMMARY_MAX_CHARS = 2_000;

/** `agent.progress` event data: the line, cleaned and clipped. */
export const ProgressEventDataSchema = z.object({ text: z.string() });

/** `agent.question` event data: a question asked, answered, or dropped with its agent's run. */
export const QuestionEventDataSchema = z.object({
  questionId: z.string(),
  phase: z.enum(['asked', 'answered', 'dropped']),
  question: z.string(),
  answer: z.string().optional(),
});
export type QuestionEventData = z.infer<typeof QuestionEventDataSchema>;
