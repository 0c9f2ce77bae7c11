import { z } from 'zod';

/**
 * A headless agent's request to run a tool, as Claude Code hands it to its permission prompt
 * tool (`--permission-prompt-tool`, served by `flotilla mcp`), and the answers Flotilla gives.
 */

/** What the agent asks (Claude Code's own field names: tool_name, input, tool_use_id). */
export const PermissionAskSchema = z
  .object({
    tool_name: z.string().min(1).max(200).describe('The tool the agent wants to run, e.g. Bash, Edit'),
    input: z.record(z.string(), z.unknown()).describe("The tool's input, e.g. {command} or {file_path}"),
    tool_use_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The call this is about; asking again with the same id waits on the same request'),
  })
  .strict();
export type PermissionAsk = z.infer<typeof PermissionAskSchema>;

/** A pending request, as the agent's view and the events show it. */
export const PermissionRequestSchema = z.object({
  id: z.string(),
  tool: z.string(),
  input: z.record(z.string(), z.unknown()),
  toolUseId: z.string().nullable(),
  /** One line: "Bash: touch x", "Edit: src/a.ts". */
  summary: z.string(),
  createdAt: z.string(),
});
export type PermissionRequest = z.infer<typeof PermissionRequestSchema>;

/**
 * The answer the prompt tool returns to Claude Code (its contract, verified on 2.1.197): allow
 * with the input to run (an empty object means "as asked"), or deny with a message the model
 * receives as the tool's error result.
 */
export const PermissionVerdictSchema = z.discriminatedUnion('behavior', [
  z.object({ behavior: z.literal('allow'), updatedInput: z.record(z.string(), z.unknown()) }),
  z.object({ behavior: z.literal('deny'), message: z.string() }),
]);
export type PermissionVerdict = z.infer<typeof PermissionVerdictSchema>;

/** The route's answer: decided (with the verdict), or still pending after the wait. */
export const PermissionReplySchema = z.object({
  state: z.enum(['decided', 'pending']),
  requestId: z.string(),
  verdict: PermissionVerdictSchema.nullable(),
});
export type PermissionReply = z.infer<typeof PermissionReplySchema>;

/** `agent.permission` event data: one decision on a request, by a rule or by the user. */
export const PermissionEventDataSchema = z.object({
  requestId: z.string(),
  tool: z.string(),
  summary: z.string(),
  decision: z.enum(['allow', 'deny']),
  by: z.enum(['rule', 'user']),
  /** The rule(s) that decided, when `by` is `rule`. */
  rule: z.string().optional(),
  /** The message the model was given with a denial. */
  message: z.string().optional(),
});
export type PermissionEventData = z.infer<typeof PermissionEventDataSchema>;
