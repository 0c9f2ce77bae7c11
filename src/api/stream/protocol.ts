/**
 * The WebSocket protocol of `GET /api/v1/stream`, shared by the daemon and its clients (the web
 * dashboard imports these types). Every frame is one JSON object with a `type`.
 *
 * Client → server: `subscribe` (replaces any earlier subscription; `since` resumes after the
 * last event id the client saw), `unsubscribe`, `ping`, and the terminal channel
 * (`terminal.open`, `terminal.input`, `terminal.close`), log following (`logs.follow`,
 * `logs.unfollow`) and conversation following (`conversation.follow`, `conversation.unfollow`).
 * Server → client: `hello` on connect, then `event`s, `caught_up` once the durable log has been
 * replayed, terminal frames, log frames (`logs.following`, then `logs.lines`), conversation
 * frames (`conversation.following`, then `conversation.entries`), `error` (the
 * connection stays open), `pong`, and `bye` just before the server closes the connection.
 */
import { z } from 'zod';
import { ConversationEntrySchema, ConversationSourceSchema } from '../../domain/conversation.js';
import { EventSchema, EventTypeSchema } from '../../domain/event.js';
import { LogLineSchema, LogSourceSchema } from '../../domain/log.js';

/** Which events a subscription receives; absent or empty lists match everything. */
export const StreamFilterSchema = z
  .object({
    agentIds: z.array(z.string().min(1).max(64)).max(1000).optional(),
    taskIds: z.array(z.string().min(1).max(64)).max(1000).optional(),
    types: z.array(EventTypeSchema).max(100).optional(),
  })
  .strict();
export type StreamFilter = z.infer<typeof StreamFilterSchema>;

const AgentRef = z.string().min(1).max(64);

/** Every message a client may send. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('subscribe'),
      filter: StreamFilterSchema.default({}),
      since: z.number().int().min(0).optional(),
    })
    .strict(),
  z.object({ type: z.literal('unsubscribe') }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
  z.object({ type: z.literal('terminal.open'), agentId: AgentRef }).strict(),
  z
    .object({
      type: z.literal('terminal.input'),
      agentId: AgentRef,
      data: z
        .string()
        .min(1)
        .max(64 * 1024),
    })
    .strict(),
  z.object({ type: z.literal('terminal.close'), agentId: AgentRef }).strict(),
  /** Start receiving the lines appended to a log from now on (`daemon` or an agent id/prefix). */
  z.object({ type: z.literal('logs.follow'), source: LogSourceSchema }).strict(),
  /** Stop; `source` exactly as it was given to `logs.follow`. */
  z.object({ type: z.literal('logs.unfollow'), source: LogSourceSchema }).strict(),
  /**
   * Receive an agent's new conversation entries (see `GET /agents/:id/conversation`): those
   * after `after` (a seq the client has), or from now on when absent.
   */
  z
    .object({
      type: z.literal('conversation.follow'),
      agentId: AgentRef,
      after: z.number().int().min(-1).optional(),
    })
    .strict(),
  /** Stop; `agentId` exactly as it was given to `conversation.follow`. */
  z.object({ type: z.literal('conversation.unfollow'), agentId: AgentRef }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** Every message the server sends. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), serverVersion: z.string(), lastEventId: z.number().int().min(0) }),
  z.object({ type: z.literal('event'), id: z.number().int().positive(), event: EventSchema }),
  z.object({ type: z.literal('caught_up'), lastEventId: z.number().int().min(0) }),
  /**
   * The agent pane as it is now, sent on `terminal.open`, after skipped output, and whenever the
   * pane's size changed: `data` is its visible rows (`capture-pane -e`, rows separated by `\n`,
   * escapes kept), `cols`×`rows` its size, `cursor` where its cursor is (0-based). The
   * `terminal.output` that follows is raw bytes for a terminal of exactly that size with the
   * cursor there: a client must show the screen at that size (not reflow it) to draw it right.
   */
  z.object({
    type: z.literal('terminal.screen'),
    agentId: z.string(),
    data: z.string(),
    cols: z.number().int().min(1),
    rows: z.number().int().min(1),
    cursor: z.object({
      x: z.number().int().min(0),
      y: z.number().int().min(0),
      visible: z.boolean(),
    }),
  }),
  z.object({ type: z.literal('terminal.output'), agentId: z.string(), data: z.string() }),
  /**
   * The follow runs: lines appended from now on will come. `source` is what the client sent;
   * `resolved` is `daemon` or the agent's full id (what each line's own `source` says).
   */
  z.object({ type: z.literal('logs.following'), source: z.string(), resolved: z.string() }),
  /**
   * New lines of a followed log, oldest first, batched (one frame per ~100 ms at most).
   * `source` is what the client sent in `logs.follow`. `dropped`: lines left out before these
   * because the client read too slowly (absent when none were).
   */
  z.object({
    type: z.literal('logs.lines'),
    source: z.string(),
    lines: z.array(LogLineSchema),
    dropped: z.number().int().positive().optional(),
  }),
  /** The conversation follow runs; `agentId` as the client sent it, `resolved` the full id. */
  z.object({
    type: z.literal('conversation.following'),
    agentId: z.string(),
    resolved: z.string(),
    source: ConversationSourceSchema,
  }),
  /** New entries of a followed conversation, oldest first (one frame per ~half second at most). */
  z.object({
    type: z.literal('conversation.entries'),
    agentId: z.string(),
    entries: z.array(ConversationEntrySchema),
  }),
  z.object({
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
  }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('bye'), reason: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/**
 * The subprotocol the server selects. A browser, which cannot set headers, offers it together
 * with `flotilla.token.<token>` (checked by the guard); the token itself is never echoed back.
 */
export const STREAM_SUBPROTOCOL = 'flotilla.v1';
/** Prefix of the subprotocol value carrying the API token (browsers cannot set headers). */
export const TOKEN_SUBPROTOCOL_PREFIX = 'flotilla.token.';

/** Close codes the server uses, with the reason text also sent in `bye`. */
export const CLOSE_CODES = {
  /** The client fell too far behind (back-pressure) or broke the protocol. */
  policy: 1008,
  /** The daemon is stopping. */
  goingAway: 1001,
} as const;

/** Whether `event` passes `filter` (the same test for the replayed log and the live stream). */
export function matchesFilter(
  filter: StreamFilter,
  event: { type: string; agentId: string | null; taskId: string | null },
): boolean {
  const { agentIds, taskIds, types } = filter;
  if (agentIds?.length && (event.agentId === null || !agentIds.includes(event.agentId))) return false;
  if (taskIds?.length && (event.taskId === null || !taskIds.includes(event.taskId))) return false;
  if (types?.length && !(types as readonly string[]).includes(event.type)) return false;
  return true;
}
