import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { AGENT_FILES, agentFile } from '../agents/agent-dir.js';
import { subjectOf } from '../agents/tool-call.js';
import type { AgentEntryConfig, StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type {
  PermissionAsk,
  PermissionEventData,
  PermissionReply,
  PermissionRequest,
  PermissionVerdict,
} from '../domain/permission.js';
import { decideByRules } from '../domain/permission-rules.js';
import type { SupervisorContext } from './context.js';
import { isLive } from './machine.js';

/**
 * Headless agents' permission requests (Claude Code's `--permission-prompt-tool`, served by
 * `flotilla mcp`, which calls POST /agents/:id/permission-requests with the agent's own token).
 * A request is decided by the agent's rules (`agents.<name>.permissions`, deny first) or waits
 * for the user: the agent shows `needs_permission`, and `approve`/`deny` answer it here instead
 * of on a screen. The agent's ask is a bounded wait; it asks again with the same tool_use_id
 * until decided. Requests and undelivered answers live in memory and in the agent's dir
 * (`permission-requests.json`), so a daemon restart loses neither: the re-ask after the restart
 * finds its request, or the answer given meanwhile.
 */

export const PERMISSION_FILE = AGENT_FILES.permissions;

interface Entry {
  request: PermissionRequest;
  /** The answer, kept until the agent has fetched it. */
  verdict: PermissionVerdict | null;
}

/** An agent entry with its permission rules (`agents.<name>.permissions`). */
export type EntryWithRules = AgentEntryConfig & { permissions?: { allow: string[]; deny: string[] } };

/** What the broker needs from the supervisor. */
export interface PermissionDeps {
  ctx: SupervisorContext;
  applySignal(agentId: string, signal: StatusSignal): Promise<void>;
}

/** The message a plain deny gives the model: it is not the end of the run, just of this call. */
export const DENIED_BY_USER =
  "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). Do not try it another way; continue without it, or stop and say what you needed.";

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** "Bash: touch x" — one line saying what Approve would allow. */
export function summarize(tool: string, input: Record<string, unknown>): string {
  const subject = subjectOf(input);
  return clip(subject === null ? tool : `${tool}: ${subject.split('\n')[0]}`, 200);
}

export class PermissionBroker {
  /** Per agent, its requests in the order asked (Claude Code asks one at a time; more are kept). */
  private readonly entries = new Map<string, Entry[]>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: PermissionDeps) {
    // Hooks and stream lines of the same tool call arrive late (a file tail and a poll): while a
    // request waits for the user, a `working` from them must not hide it. An ended agent's
    // requests are dropped: its process, and the prompt tool with it, is gone.
    this.unsubscribe = deps.ctx.bus.subscribe(
      { types: ['agent.status_changed'], liveOnly: true },
      (event) => {
        if (event.type !== 'agent.status_changed' || event.agentId === null) return;
        const id = event.agentId;
        const { to } = event.data;
        const open = this.open(id);
        if (!open) return;
        if (!isLive(to)) {
          this.drop(id);
          return;
        }
        if (to !== 'needs_permission' && event.data.source !== 'user' && to !== 'starting') {
          void deps.applySignal(id, this.signalFor(open.request)).catch(() => {});
        }
      },
    );
  }

  close(): void {
    this.unsubscribe();
    for (const id of [...this.waiters.keys()]) this.wake(id);
  }

  /** The request waiting for the user, oldest first, or null. */
  pending(agentId: string): PermissionRequest | null {
    this.load(agentId);
    return this.open(agentId)?.request ?? null;
  }

  /**
   * An agent asks to run a tool: decided by a rule at once, else waits up to `waitMs` for the
   * user. Asking again with the same tool_use_id continues the same request.
   */
  async ask(
    agent: Agent,
    entry: EntryWithRules | undefined,
    ask: PermissionAsk,
    waitMs: number,
  ): Promise<PermissionReply> {
    if (!isLive(agent.status)) {
      throw new FlotillaError(
        'CONFLICT',
        `agent ${agent.id} is ${agent.status}: it cannot ask for permission`,
      );
    }
    const list = this.load(agent.id);
    let found =
      ask.tool_use_id === undefined ? undefined : list.find((e) => e.request.toolUseId === ask.tool_use_id);
    if (!found) {
      const request: PermissionRequest = {
        id: `perm_${randomBytes(6).toString('hex')}`,
        tool: ask.tool_name,
        input: ask.input,
        toolUseId: ask.tool_use_id ?? null,
        summary: summarize(ask.tool_name, ask.input),
        createdAt: new Date(this.deps.ctx.now()).toISOString(),
      };
      const rules = entry?.permissions;
      const decided =
        rules && (rules.allow.length > 0 || rules.deny.length > 0)
          ? decideByRules(
              rules,
              { tool: ask.tool_name, input: ask.input },
              {
                cwd: agent.worktreePath,
                home: entry?.env.HOME ?? this.deps.ctx.env.HOME ?? homedir(),
              },
            )
          : null;
      if (decided) {
        const verdict: PermissionVerdict =
          decided.decision === 'allow'
            ? { behavior: 'allow', updatedInput: ask.input }
            : {
                behavior: 'deny',
                message: `Denied by the rule ${decided.rule} set for this agent in Flotilla's config.`,
              };
        await this.record(agent, request, verdict, 'supervisor', { by: 'rule', rule: decided.rule });
        return { state: 'decided', requestId: request.id, verdict };
      }
      found = { request, verdict: null };
      list.push(found);
      this.save(agent.id);
      await this.deps.applySignal(agent.id, this.signalFor(request));
    }
    if (found.verdict === null) await this.waitFor(agent.id, found, waitMs);
    if (found.verdict === null) return { state: 'pending', requestId: found.request.id, verdict: null };
    // Delivered: forgotten. A lost reply makes the agent ask again, and then it is asked anew.
    this.remove(agent.id, found);
    return { state: 'decided', requestId: found.request.id, verdict: found.verdict };
  }

  /**
   * The user's answer to the agent's open request; null when it has none (the caller then
   * answers a dialog on screen). Returns the option chosen, as the screen path does.
   */
  async answer(
    agent: Agent,
    answer: { decision: 'approve' } | { decision: 'deny'; message?: string },
    actor: Actor,
  ): Promise<string | null> {
    this.load(agent.id);
    const open = this.open(agent.id);
    if (!open) return null;
    const verdict: PermissionVerdict =
      answer.decision === 'approve'
        ? { behavior: 'allow', updatedInput: open.request.input }
        : {
            behavior: 'deny',
            message:
              answer.message === undefined
                ? DENIED_BY_USER
                : `The user doesn't want to proceed with this tool use. The tool use was rejected. To tell you how to proceed, the user said:\n${answer.message}`,
          };
    open.verdict = verdict;
    this.save(agent.id);
    await this.record(agent, open.request, verdict, actor, {
      by: 'user',
      ...(answer.decision === 'deny' && answer.message !== undefined ? { message: answer.message } : {}),
    });
    this.wake(agent.id);
    return answer.decision === 'approve'
      ? 'Yes'
      : answer.message === undefined
        ? 'No'
        : `No, ${answer.message}`;
  }

  private signalFor(request: PermissionRequest): StatusSignal {
    // `permission` is the agent view's pending request (status-facts.ts), read where supported.
    const signal = {
      status: 'needs_permission' as const,
      source: 'hook' as const,
      detail: request.summary,
      permission: { tool: request.tool, subject: subjectOf(request.input), diff: null, input: request.input },
    };
    return signal;
  }

  private open(agentId: string): Entry | undefined {
    return this.entries.get(agentId)?.find((e) => e.verdict === null);
  }

  private async record(
    agent: Agent,
    request: PermissionRequest,
    verdict: PermissionVerdict,
    actor: Actor,
    // `by` says whether a rule or a person decided (the payload as readers know it); the
    // event's actor says who asked for the answer.
    how: { by: 'rule' | 'user'; rule?: string; message?: string },
  ): Promise<void> {
    const data: PermissionEventData = {
      requestId: request.id,
      tool: request.tool,
      summary: request.summary,
      decision: verdict.behavior,
      ...how,
    };
    await this.deps.ctx.store.events.append({
      type: 'agent.permission',
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
      if (entry.verdict !== null) done();
    });
  }

  private wake(agentId: string): void {
    for (const done of [...(this.waiters.get(agentId) ?? [])]) done();
  }

  private drop(agentId: string): void {
    this.entries.delete(agentId);
    this.wake(agentId);
    rmSync(this.file(agentId), { force: true });
  }

  private remove(agentId: string, entry: Entry): void {
    const list = this.entries.get(agentId) ?? [];
    const at = list.indexOf(entry);
    if (at >= 0) list.splice(at, 1);
    this.save(agentId);
  }

  private file(agentId: string): string {
    return agentFile(this.deps.ctx.paths.agentsDir, agentId, 'permissions');
  }

  /** The agent's requests, read from its dir the first time after a daemon start. */
  private load(agentId: string): Entry[] {
    let list = this.entries.get(agentId);
    if (list) return list;
    list = [];
    try {
      const saved = JSON.parse(readFileSync(this.file(agentId), 'utf8')) as Entry[];
      if (Array.isArray(saved)) list = saved.filter((e) => e && typeof e.request?.id === 'string');
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
      this.deps.ctx.logger.warn(
        { agentId, err },
        'cannot save permission requests; they live in memory only',
      );
    }
  }
}
