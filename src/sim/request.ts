/**
 * Reading an Anthropic Messages request the way the scripted model needs it: is it the agent loop
 * or a side request, whose conversation is it, and what has the model been shown so far.
 * Everything here is lenient: a request of an unknown shape is a side request, never a crash.
 */

/** One message of the request's history, reduced to what tests assert on. */
export interface SimMessageSummary {
  role: string;
  /** Text blocks joined by newlines, `<system-reminder>` blocks left out. */
  text: string;
  /** Names of the tools the assistant called in this message. */
  toolUses: string[];
  toolResults: SimToolResult[];
}

/** A tool result the agent sent back to the model. */
export interface SimToolResult {
  toolUseId: string;
  content: string;
  isError: boolean;
}

/** What the engine and the request log know about one POST /v1/messages. */
export interface ParsedMessagesRequest {
  model: string;
  stream: boolean;
  /** An agent-loop turn: carries tools and is not a subagent warm-up. */
  agentLoop: boolean;
  /** Claude Code's session id (`x-claude-code-session-id`, or inside `metadata.user_id`). */
  sessionId: string | null;
  /** From the system prompt: `Primary working directory: …` (2.x) or `Working directory: …` (1.0.x). */
  cwd: string | null;
  /** Name in the first `[[sim:<name>]]` marker found in the user's text. */
  marker: string | null;
  /** The first thing the user typed in this conversation. */
  firstUserText: string;
  /** The latest non-empty text the user typed (tool-result-only messages skipped). */
  lastUserText: string;
  /** Tool results in the last user message: what the previous tool calls returned. */
  toolResults: SimToolResult[];
  messages: SimMessageSummary[];
  /** Names of the tools the request offered the model (`tools[].name`), in order (Messages API only). */
  offeredTools?: string[];
  /** Characters of the whole request, a base for a token estimate. */
  size: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const MARKER = /\[\[sim:([\w.-]+)\]\]/;

function blockText(block: unknown): string {
  if (typeof block === 'string') return block;
  if (isObject(block) && block.type === 'text' && typeof block.text === 'string') return block.text;
  return '';
}

function contentBlocks(content: unknown): unknown[] {
  if (typeof content === 'string') return [content];
  return Array.isArray(content) ? content : [];
}

function toolResultText(content: unknown): string {
  return contentBlocks(content).map(blockText).join('\n');
}

function summarize(message: unknown): SimMessageSummary {
  if (!isObject(message)) return { role: 'unknown', text: '', toolUses: [], toolResults: [] };
  const blocks = contentBlocks(message.content);
  const texts = blocks
    .map(blockText)
    .filter((t) => t !== '' && !t.trimStart().startsWith('<system-reminder>'));
  const toolUses: string[] = [];
  const toolResults: SimToolResult[] = [];
  for (const b of blocks) {
    if (!isObject(b)) continue;
    if (b.type === 'tool_use' && typeof b.name === 'string') toolUses.push(b.name);
    if (b.type === 'tool_result') {
      toolResults.push({
        toolUseId: typeof b.tool_use_id === 'string' ? b.tool_use_id : '',
        content: toolResultText(b.content),
        isError: b.is_error === true,
      });
    }
  }
  return {
    role: typeof message.role === 'string' ? message.role : 'unknown',
    text: texts.join('\n'),
    toolUses,
    toolResults,
  };
}

function systemText(system: unknown): string {
  return contentBlocks(system).map(blockText).join('\n');
}

function findSessionId(headers: Record<string, string | string[] | undefined>, body: Json): string | null {
  const header = headers['x-claude-code-session-id'];
  if (typeof header === 'string' && header !== '') return header;
  // metadata.user_id is itself a JSON string in 2.1.x: {"device_id":…,"session_id":…}.
  const meta = body.metadata;
  if (isObject(meta) && typeof meta.user_id === 'string') {
    const m = /"session_id"\s*:\s*"([^"]+)"|session_([0-9a-f-]{36})/.exec(meta.user_id);
    if (m) return m[1] ?? m[2] ?? null;
  }
  return null;
}

/** Interpret a parsed JSON body of POST /v1/messages. */
export function parseMessagesRequest(
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
  size: number,
): ParsedMessagesRequest {
  const b = isObject(body) ? body : {};
  const messages = (Array.isArray(b.messages) ? b.messages : []).map(summarize);
  const userTexts = messages.filter((m) => m.role === 'user' && m.text !== '').map((m) => m.text);
  const firstUserText = userTexts[0] ?? '';
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const sys = systemText(b.system);
  const cwd = /(?:Primary working directory|Working directory): ([^\n]+)/.exec(sys)?.[1]?.trim() ?? null;
  const hasTools = Array.isArray(b.tools) && b.tools.length > 0;
  // 2.0.x warms subagents up with a one-word "Warmup" prompt that carries tools.
  const warmup = firstUserText.trim() === 'Warmup' && messages.filter((m) => m.role === 'user').length === 1;
  let marker: string | null = null;
  for (const t of userTexts) {
    const m = MARKER.exec(t);
    if (m?.[1]) {
      marker = m[1];
      break;
    }
  }
  return {
    model: typeof b.model === 'string' ? b.model : 'claude-sim',
    stream: b.stream === true,
    agentLoop: hasTools && !warmup,
    offeredTools: (hasTools ? (b.tools as unknown[]) : []).flatMap((t) =>
      isObject(t) && typeof t.name === 'string' ? [t.name] : [],
    ),
    sessionId: findSessionId(headers, b),
    cwd,
    marker,
    firstUserText,
    lastUserText: userTexts.at(-1) ?? '',
    toolResults: lastUser?.toolResults ?? [],
    messages,
    size,
  };
}
