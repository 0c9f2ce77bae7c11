import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { agentFile } from '../agents/agent-dir.js';
import type { StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import {
  type Question,
  type QuestionAsk,
  type QuestionEventData,
  type QuestionReply,
  questionDetail,
} from '../domain/agent-tools.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { SupervisorContext } from './context.js';
import { isLive } from './machine.js';

/**
 * Questions agents ask their user through the `ask_user` MCP tool (`flotilla mcp` calls
 * POST /agents/:id/questions with the agent's own token). The agent shows `needs_input` with the
 * question as its status detail; `flotilla answer` (or the dashboard) answers, and the answer is
 * the tool's result. The tool's ask is a bounded wait, repeated with the same ask id until
 * answered, so the HTTP request never outlives a proxy's patience. Questions and undelivered
 * answers live in memory and in the agent's dir (`questions.json`): a daemon restart loses
 * neither. The shape mirrors the permission broker (permissions.ts), on purpose.
 */

interface Entry {
  question: Question;
  /** The user's answer, kept until the agent has fetched it. */
  answer: string | null;
}

/** What the broker needs from the supervisor. */
export interface QuestionDeps {
  ctx: SupervisorContext;
  applySignal(agentId: string, signal: StatusSignal, actor?: Actor): Promise<void>;
}

/** How long after an ask a late signal from before it is overruled (see the constructor). */
export const QUESTION_SETTLE_MS = 10_000;

export class QuestionBroker {
  /** Per agent, its questions in the order asked. */
  private readonly entries = new Map<string, Entry[]>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: QuestionDeps) {
    // A question just asked means the agent waits for its user, whatever a late hook, stream
    // line or screen says (the previous tool's PostToolUse and stream line arrive from a file
    // tail and a poll, possibly after the ask). A user's action (a message sent) is left as it
    // is. An ended agent's questions are dropped: its process, and the tool call with it, is gone.
    this.unsubscribe = deps.ctx.bus.subscribe(
      { types: ['agent.status_changed'], liveOnly: true },
      (event) => {
        if (event.type !== 'agent.status_changed' || event.agentId === null) return;
        const id = event.agentId;
        const { to } = event.data;
        const open = this.open(id);
        if (!open) return;
        if (!isLive(to)) {
          void this.drop(id).catch(() => {});
          return;
        }
        // Only while the ask is fresh: later, nothing but a person acts while the tool call
        // blocks (a prompt typed in the terminal interrupts it), and that person is right.
        const fresh = deps.ctx.now() - Date.parse(open.question.askedAt) < QUESTION_SETTLE_MS;
        // A permission request of the same agent (headless, its broker holds it) is the more
        // urgent wait: the two brokers must not overrule each other in turn.
        const quiet = to === 'needs_input' || to === 'needs_permission' || to === 'starting';
        if (fresh && !quiet && event.data.source !== 'user') {
          void deps.applySignal(id, signalFor(open.question)).catch(() => {});
        }
      },
    );
  }

  close(): void {
    this.unsubscribe();
    for (const id of [...this.waiters.keys()]) this.wake(id);
  }

  /** The question the agent waits on, oldest first, or null. */
  pending(agentId: string): Question | null {
    this.load(agentId);
    return this.open(agentId)?.question ?? null;
  }

  /**
   * The agent asks its user: the agent shows `needs_input` with the question, and this waits up
   * to `waitMs` for the answer. Asking again with the same ask id continues the same question.
   */
  async ask(agent: Agent, ask: QuestionAsk, waitMs: number, actor: Actor): Promise<QuestionReply> {
    if (!isLive(agent.status)) {
      throw new FlotillaError('CONFLICT', `agent ${agent.id} is ${agent.status}: it cannot ask its user`, {
        hint: `restart it first: flotilla restart ${agent.id}`,
      });
    }
    const list = this.load(agent.id);
    let found = list.find((e) => e.question.askId === ask.askId);
    if (!found) {
      const question: Question = {
        id: `q_${randomBytes(6).toString('hex')}`,
        askId: ask.askId,
        question: ask.question,
        askedAt: new Date(this.deps.ctx.now()).toISOString(),
      };
      found = { question, answer: null };
      list.push(found);
      this.save(agent.id);
      await this.record(agent, actor, {
        questionId: question.id,
        phase: 'asked',
        question: question.question,
      });
      await this.deps.applySignal(agent.id, signalFor(question), actor);
    }
    if (found.answer === null) await this.waitFor(agent.id, found, waitMs);
    if (found.answer === null) return { state: 'pending', questionId: found.question.id, answer: null };
    // Delivered: forgotten. A lost reply makes the tool ask again, and then it is asked anew.
    this.remove(agent.id, found);
    return { state: 'answered', questionId: found.question.id, answer: found.answer };
  }

  /** The user's answer to the agent's open question; null when it has none. */
  async answer(agent: Agent, text: string, actor: Actor): Promise<Question | null> {
    this.load(agent.id);
    const open = this.open(agent.id);
    if (!open) return null;
    open.answer = text;
    this.save(agent.id);
    await this.record(agent, actor, {
      questionId: open.question.id,
      phase: 'answered',
      question: open.question.question,
      answer: text,
    });
    this.wake(agent.id);
    return open.question;
  }

  /**
   * The asking tool call was cancelled (the user interrupted the agent in its terminal): the
   * question is dropped unanswered, so a later `answer` cannot go to a call that is gone.
   */
  async withdraw(agent: Agent, askId: string, actor: Actor): Promise<boolean> {
    const list = this.load(agent.id);
    const found = list.find((e) => e.question.askId === askId && e.answer === null);
    if (!found) return false;
    this.remove(agent.id, found);
    await this.record(agent, actor, {
      questionId: found.question.id,
      phase: 'dropped',
      question: found.question.question,
    });
    this.wake(agent.id);
    return true;
  }

  private open(agentId: string): Entry | undefined {
    return this.entries.get(agentId)?.find((e) => e.answer === null);
  }

  private async record(agent: Agent, actor: Actor, data: QuestionEventData): Promise<void> {
    await this.deps.ctx.store.events.append({
      type: 'agent.question',
      actor,
      repoId: agent.repoId,
      taskId: agent.taskId,
      agentId: agent.id,
      data,
    });
  }

  private waitFor(agentId: string, entry: Entry, waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiters.get(agentId) ?? new Set<() => void>();
      this.waiters.set(agentId, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      timer.unref();
      waiters.add(done);
      if (entry.answer !== null) done();
    });
  }

  private wake(agentId: string): void {
    for (const done of [...(this.waiters.get(agentId) ?? [])]) done();
  }

  private async drop(agentId: string): Promise<void> {
    const open = (this.entries.get(agentId) ?? []).filter((e) => e.answer === null);
    this.entries.delete(agentId);
    this.wake(agentId);
    rmSync(this.file(agentId), { force: true });
    const agent = open.length > 0 ? await this.deps.ctx.store.agents.get(agentId) : null;
    for (const e of agent ? open : []) {
      await this.record(agent as Agent, 'supervisor', {
        questionId: e.question.id,
        phase: 'dropped',
        question: e.question.question,
      });
    }
  }

  private remove(agentId: string, entry: Entry): void {
    const list = this.entries.get(agentId) ?? [];
    const at = list.indexOf(entry);
    if (at >= 0) list.splice(at, 1);
    this.save(agentId);
  }

  private file(agentId: string): string {
    return agentFile(this.deps.ctx.paths.agentsDir, agentId, 'questions');
  }

  /** The agent's questions, read from its dir the first time after a daemon start. */
  private load(agentId: string): Entry[] {
    let list = this.entries.get(agentId);
    if (list) return list;
    list = [];
    try {
      const saved = JSON.parse(readFileSync(this.file(agentId), 'utf8')) as Entry[];
      if (Array.isArray(saved)) list = saved.filter((e) => e && typeof e.question?.id === 'string');
    } catch {}
    this.entries.set(agentId, list);
    return list;
  }

  private save(agentId: string): void {
    const list = this.entries.get(agentId) ?? [];
    const file = this.file(agentId);
    try {
      if (list.length === 0) {
        rmSync(file, { force: true });
        return;
      }
      writeFileSync(`${file}.tmp`, `${JSON.stringify(list)}\n`, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.deps.ctx.logger.warn({ agentId, err }, 'cannot save questions; they live in memory only');
    }
  }
}

function signalFor(question: Question): StatusSignal {
  return { status: 'needs_input', source: 'hook', detail: questionDetail(question.question) };
}
