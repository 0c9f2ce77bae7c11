import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES } from '../domain/values.js';
import { type AgentToolCalls, ToolCallError } from './agent-calls.js';

/**
 * The tools every Flotilla agent gets from `flotilla mcp` (ADR 0022): the agent's own view of
 * the board and its own voice to the user. The descriptions are what the model reads to decide
 * when to call them, so they say what happens, in its terms. Claude Code names them
 * `mcp__flotilla__<tool>`; the agent's settings allow exactly these (AGENT_TOOL_FQNS in
 * domain/agent-tools.ts), never the permission prompt tool.
 */

const text = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }] });
const failed = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }], isError: true });

/** Runs a tool's call; a refusal or an unreachable daemon becomes the tool's error result. */
async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ToolCallError) return failed(err.message);
    return failed(`Flotilla's tool failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function registerAgentTools(server: McpServer, calls: AgentToolCalls): void {
  server.registerTool(
    'list_tasks',
    {
      description:
        "Lists the tasks on Flotilla's board for this repository (yours included): id, title, status, priority and the ids it depends on. Use it before creating a follow-up task, to avoid duplicates and to find dependency ids.",
      inputSchema: {
        status: z
          .array(z.enum(TASK_STATUSES))
          .optional()
          .describe('only tasks in these statuses, e.g. ["todo", "in_progress"]'),
      },
    },
    (args) =>
      guarded(async () => {
        const tasks = await calls.listTasks(args.status);
        if (tasks.length === 0) return text('No tasks match.');
        return text(JSON.stringify(tasks, null, 2));
      }),
  );

  server.registerTool(
    'create_task',
    {
      description:
        "Files a follow-up task on Flotilla's board for this repository: work you found that is outside your own task. It goes to the backlog, where the user decides whether to start it (status 'todo' marks it ready to start). It may depend on tasks of this repository, your own task among them (its id is in list_tasks).",
      inputSchema: {
        title: z.string().min(1).max(200).describe('one line saying what is to be done'),
        prompt: z.string().max(100_000).optional().describe('the full instructions for whoever works on it'),
        priority: z.enum(TASK_PRIORITIES).optional().describe('default normal'),
        status: z.enum(['backlog', 'todo']).optional().describe('default backlog'),
        labels: z.array(z.string()).optional(),
        dependsOn: z
          .array(z.string())
          .optional()
          .describe('ids of tasks of this repository that must be done first'),
      },
    },
    (args) =>
      guarded(async () => {
        const task = await calls.createTask({
          title: args.title,
          ...(args.prompt === undefined ? {} : { prompt: args.prompt }),
          ...(args.priority === undefined ? {} : { priority: args.priority }),
          ...(args.status === undefined ? {} : { status: args.status }),
          ...(args.labels === undefined ? {} : { labels: args.labels }),
          ...(args.dependsOn === undefined ? {} : { dependsOn: args.dependsOn }),
        });
        const deps = task.dependsOn.length > 0 ? `, after ${task.dependsOn.join(', ')}` : '';
        return text(`Created task ${task.id} "${task.title}" (${task.status}${deps}).`);
      }),
  );

  server.registerTool(
    'report_progress',
    {
      description:
        'Tells the user, in one short line, what you are doing now or what you just finished (shown on your card in Flotilla). Call it at milestones, not for every step.',
      inputSchema: {
        text: z.string().min(1).max(2_000).describe('one line, e.g. "tests pass; writing the docs"'),
      },
    },
    (args) =>
      guarded(async () => {
        const shown = await calls.reportProgress(args.text);
        return text(`Shown to the user: ${shown.text}`);
      }),
  );

  server.registerTool(
    'ask_user',
    {
      description:
        'Asks your user a question and waits for the answer, which this tool returns. Use it when you cannot go on without a decision only they can make; the user is told you are waiting. It may take minutes or hours.',
      inputSchema: {
        question: z.string().min(1).max(4_000).describe('the question, with the options if there are some'),
      },
    },
    (args, extra) => guarded(async () => text(await calls.askUser(args.question, extra.signal))),
  );

  server.registerTool(
    'ready_for_review',
    {
      description:
        'Marks your task ready for review when your work is committed and done: the task moves to review, where the user looks at your branch. Give a short summary of what you did and anything the reviewer should check.',
      inputSchema: {
        summary: z.string().max(10_000).optional().describe('what you did, and what to look at'),
      },
    },
    (args) =>
      guarded(async () => {
        const task = await calls.readyForReview(args.summary?.trim() ? args.summary : undefined);
        return text(`Task ${task.id} "${task.title}" is now ${task.status}.`);
      }),
  );
}
