import { randomBytes } from 'node:crypto';
import type { AgentProgress, AgentTask, AgentTaskCreate, QuestionReply } from '../domain/agent-tools.js';
import type { TaskStatus } from '../domain/task.js';
import { type AgentLink, errorMessage, fetchDaemon, isFinalRefusal, pause } from './client.js';

/**
 * The agent tools' calls to the daemon (routes under /agents/<own id>/, ADR 0022). The agent is
 * always the one whose token this process holds: no tool takes an agent id, and the daemon would
 * refuse any other. A refusal (4xx) is final and its message goes back to the model; an
 * unreachable daemon (restarting) is retried for a while first.
 */

/** A call the daemon refused or could not answer: the message is the tool's error result. */
export class ToolCallError extends Error {}

export interface AgentCallOptions {
  /** How long an ask_user request waits on the daemon's side before asking again. */
  waitMs?: number;
  /** How long a plain call may find the daemon unreachable before it fails. */
  unreachableMs?: number;
  /** How long ask_user may find the daemon unreachable before it fails (a restart is survived). */
  askUnreachableMs?: number;
  /** Pause between tries while the daemon is unreachable. */
  retryMs?: number;
}

/** What the tools need; the real one is {@link AgentCalls}. */
export interface AgentToolCalls {
  listTasks(status: TaskStatus[] | undefined): Promise<AgentTask[]>;
  createTask(input: AgentTaskCreate): Promise<AgentTask>;
  reportProgress(text: string): Promise<AgentProgress>;
  askUser(question: string, signal?: AbortSignal): Promise<string>;
  readyForReview(summary: string | undefined): Promise<AgentTask>;
}

export class AgentCalls implements AgentToolCalls {
  constructor(
    private readonly link: AgentLink,
    private readonly options: AgentCallOptions = {},
  ) {}

  listTasks(status: TaskStatus[] | undefined): Promise<AgentTask[]> {
    const q = status && status.length > 0 ? `?status=${status.map(encodeURIComponent).join(',')}` : '';
    return this.call<{ tasks: AgentTask[] }>('GET', `tasks${q}`).then((r) => r.tasks);
  }

  createTask(input: AgentTaskCreate): Promise<AgentTask> {
    return this.call('POST', 'tasks', input);
  }

  reportProgress(text: string): Promise<AgentProgress> {
    return this.call('POST', 'progress', { text });
  }

  readyForReview(summary: string | undefined): Promise<AgentTask> {
    return this.call('POST', 'ready-for-review', summary === undefined ? {} : { summary });
  }

  /**
   * Asks the user and waits for the answer as long as it takes: bounded waits on the daemon,
   * repeated with the same ask id (so a daemon restart in between waits on the same question).
   * Cancelled (`signal`): the question is withdrawn, best effort.
   */
  async askUser(question: string, signal?: AbortSignal): Promise<string> {
    const askId = randomBytes(12).toString('base64url');
    const waitMs = this.options.waitMs ?? 25_000;
    const unreachableMs = this.options.askUnreachableMs ?? 10 * 60_000;
    const retryMs = this.options.retryMs ?? 1_000;
    let downSince: number | null = null;
    for (;;) {
      if (signal?.aborted) {
        await fetchDaemon(this.link, 'DELETE', `questions/${askId}`, undefined, 5_000).catch(() => null);
        throw new ToolCallError('The question was cancelled before the user answered.');
      }
      let failure: string;
      try {
        const res = await fetchDaemon(
          this.link,
          'POST',
          `questions?wait_ms=${waitMs}`,
          { askId, question },
          waitMs + 15_000,
          signal,
        );
        if (res.ok) {
          downSince = null;
          const reply = JSON.parse(res.text) as QuestionReply;
          if (reply.state === 'answered' && reply.answer !== null) return reply.answer;
          continue;
        }
        if (isFinalRefusal(res.status)) throw refused(res.status, res.text);
        failure = `HTTP ${res.status}: ${errorMessage(res.text)}`;
      } catch (err) {
        if (err instanceof ToolCallError) throw err;
        if (signal?.aborted) continue;
        failure = err instanceof Error ? err.message : String(err);
      }
      downSince ??= Date.now();
      if (Date.now() - downSince >= unreachableMs) {
        throw new ToolCallError(
          `Flotilla's daemon did not answer for ${Math.round(unreachableMs / 1000)} s (${failure}); the user has not seen the question. Ask again later.`,
        );
      }
      await pause(retryMs, signal);
    }
  }

  /** One call, retried while the daemon is unreachable (or busy) for `unreachableMs`. */
  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const unreachableMs = this.options.unreachableMs ?? 60_000;
    const retryMs = this.options.retryMs ?? 1_000;
    const started = Date.now();
    for (;;) {
      let failure: string;
      try {
        const res = await fetchDaemon(this.link, method, path, body, 30_000);
        if (res.ok) return JSON.parse(res.text) as T;
        if (isFinalRefusal(res.status)) throw refused(res.status, res.text);
        failure = `HTTP ${res.status}: ${errorMessage(res.text)}`;
      } catch (err) {
        if (err instanceof ToolCallError) throw err;
        failure = err instanceof Error ? err.message : String(err);
      }
      if (Date.now() - started >= unreachableMs) {
        throw new ToolCallError(
          `Flotilla's daemon did not answer for ${Math.round(unreachableMs / 1000)} s (${failure}); nothing was done.`,
        );
      }
      await pause(retryMs);
    }
  }
}

/** The daemon's refusal as the model reads it: what was wrong, and the hint. */
function refused(status: number, text: string): ToolCallError {
  let hint = '';
  try {
    const h = (JSON.parse(text) as { error?: { hint?: string } }).error?.hint;
    if (h) hint = ` (${h})`;
  } catch {}
  return new ToolCallError(`Flotilla refused (${status}): ${errorMessage(text)}${hint}`);
}
