/**
 * An agent's conversation as a person reads it: the prompt, what the assistant said, each tool
 * call (collapsed to one line; open it for its input), what the tool returned (the first lines;
 * "Show all" for the rest), errors, and where each turn ended with its tokens. Live: new entries
 * arrive over the stream, and the list stays at the bottom unless the reader scrolled up.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ConversationEntry } from '../../../../src/domain/conversation.js';
import { ApiError } from '../../api/client.js';
import { ErrorState } from '../../components/ErrorState.js';
import { useConversation } from './useConversation.js';
import './ConversationView.css';

/** Lines of a tool result shown before "Show all". */
export const RESULT_PREVIEW_LINES = 6;

const fmt = (n: number) => n.toLocaleString('en-US');

export function turnFigures(e: ConversationEntry): string {
  const parts: string[] = [];
  if (e.durationMs !== undefined) parts.push(`${(e.durationMs / 1000).toFixed(1)} s`);
  if (e.usage) {
    parts.push(`${fmt(e.usage.inputTokens)} tokens in`, `${fmt(e.usage.outputTokens)} out`);
    const cached = (e.usage.cacheReadTokens ?? 0) + (e.usage.cacheWriteTokens ?? 0);
    if (cached > 0) parts.push(`${fmt(cached)} cache`);
    if (e.usage.costUsd !== undefined) parts.push(`$${e.usage.costUsd.toFixed(4)}`);
  }
  return parts.join(' · ');
}

const time = (ts: string | null) => (ts ? new Date(ts).toLocaleTimeString() : null);

function ToolResult({ entry }: { entry: ConversationEntry }) {
  const [open, setOpen] = useState(false);
  const lines = entry.text.replace(/\n+$/, '').split('\n');
  const long = lines.length > RESULT_PREVIEW_LINES;
  const shown = open || !long ? entry.text : lines.slice(0, RESULT_PREVIEW_LINES).join('\n');
  return (
    <div className="conv-result-body">
      {entry.text.trim() === '' ? (
        <span className="muted">(no output)</span>
      ) : (
        <pre className="conv-pre" data-testid="conv-result-text">
          {shown}
        </pre>
      )}
      {long && (
        <button type="button" className="conv-more" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : `Show all ${fmt(lines.length)} lines`}
        </button>
      )}
      {entry.fullChars !== undefined && (
        <p className="muted conv-cut">
          Cut at {fmt(entry.text.length)} of {fmt(entry.fullChars)} characters.
        </p>
      )}
    </div>
  );
}

function Entry({ entry }: { entry: ConversationEntry }) {
  const at = time(entry.ts);
  const stamp = at ? (
    <time className="conv-time muted" dateTime={entry.ts ?? undefined}>
      {at}
    </time>
  ) : null;
  switch (entry.kind) {
    case 'prompt':
      return (
        <li className="conv-entry conv-prompt" data-testid="conv-entry" data-kind="prompt">
          <div className="conv-role">Prompt {stamp}</div>
          <pre className="conv-pre">{entry.text}</pre>
        </li>
      );
    case 'text':
      return (
        <li className="conv-entry conv-text" data-testid="conv-entry" data-kind="text">
          <div className="conv-role">Assistant {stamp}</div>
          <div className="conv-prose">{entry.text}</div>
        </li>
      );
    case 'tool_call':
      return (
        <li className="conv-entry conv-tool" data-testid="conv-entry" data-kind="tool_call">
          <details>
            <summary>
              <span className="conv-role-inline">Tool call</span> <code>{entry.text}</code> {stamp}
            </summary>
            <div className="conv-role">Input</div>
            <pre className="conv-pre conv-input" data-testid="conv-tool-input">
              {JSON.stringify(entry.input ?? {}, null, 2)}
            </pre>
          </details>
        </li>
      );
    case 'tool_result':
      return (
        <li
          className={`conv-entry conv-result${entry.isError ? ' conv-error' : ''}`}
          data-testid="conv-entry"
          data-kind="tool_result"
        >
          <div className="conv-role">
            {entry.isError ? 'Tool error' : 'Result'}
            {entry.tool ? ` of ${entry.tool}` : ''} {stamp}
          </div>
          <ToolResult entry={entry} />
        </li>
      );
    case 'error':
      return (
        <li className="conv-entry conv-error" data-testid="conv-entry" data-kind="error" role="alert">
          <div className="conv-role">Error {stamp}</div>
          <pre className="conv-pre">{entry.text}</pre>
        </li>
      );
    case 'turn_end': {
      const figures = turnFigures(entry);
      return (
        <li className="conv-entry conv-divider" data-testid="conv-entry" data-kind="turn_end">
          <span>
            {entry.text}
            {figures ? ` · ${figures}` : ''}
          </span>
        </li>
      );
    }
    case 'session':
      return (
        <li className="conv-entry conv-divider" data-testid="conv-entry" data-kind="session">
          <span>{entry.text}</span>
        </li>
      );
  }
}

export function ConversationView({ agentId }: { agentId: string }) {
  const { entries, state, retry } = useConversation(agentId);
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    void entries;
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [entries]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    };
    el.addEventListener('scroll', onScroll);
    return () => el.removeEventListener('scroll', onScroll);
  });

  if (state.status === 'error') {
    const missing = state.error instanceof ApiError && state.error.status === 404;
    return (
      <ErrorState
        title={missing ? `No agent "${agentId}"` : 'Cannot load the conversation'}
        error={state.error}
        onRetry={missing ? undefined : retry}
      />
    );
  }
  if (state.status === 'loading') {
    return (
      <p className="muted" aria-busy="true">
        Loading the conversation…
      </p>
    );
  }
  return (
    <div className="conversation" ref={box} data-testid="conversation">
      {entries.length === 0 ? (
        <p className="muted conv-empty">{state.note ?? 'No conversation yet.'}</p>
      ) : (
        <ol className="conv-list" aria-label="Conversation">
          {entries.map((e) => (
            <Entry key={e.seq} entry={e} />
          ))}
        </ol>
      )}
    </div>
  );
}
