import { closeSync, type FSWatcher, openSync, statSync, watch } from 'node:fs';
import { agentFileInHome } from '../agents/agent-dir.js';
import type { HookLine } from '../agents/hook-cli.js';
import type { Agent } from '../domain/agent.js';
import type { EventData } from '../domain/event.js';
import { KeyedMutex } from '../proc/keyed-mutex.js';
import type { Store } from '../store/open.js';
import type { HookEffect } from '../store/supervision.js';
import { readCompleteLines } from './hook-file.js';
import { clearWriteFailure, readWriteFailure, type WriteFailure } from './hook-write-failure.js';

/**
 * The daemon side of hooks. Each live agent's events file is read from a byte offset persisted
 * in the store, on three triggers: fs.watch (the fast one: Claude Code's sh hook only appends a
 * line, docs/adr/0012-hooks-without-node.md), the HTTP poke of `flotilla hook` (its fallback),
 * and every health tick (the fallback that always works, e.g. where inotify does not). Each complete line becomes one
 * `agent.hook` event committed together with the new offset, so lines written while the daemon
 * was down are read when it is back, none twice; then the line is handed on (status).
 */

/** What identifies an agent's events in the log. */
export type AgentRef = Pick<Agent, 'id' | 'repoId' | 'taskId'>;

/**
 * Records the hook line (its `agent.hook` event and the offset past it) together with what it
 * did to the agent, in one transaction. Only the first call records; later calls do nothing.
 */
export type HookCommit = (effect?: HookEffect) => Promise<Agent | null>;

/**
 * Called for each new hook line. It may record the line with its effect through `commit`; a line
 * it did not record (no status to change, or the handler failed) is recorded plainly after it.
 */
export type HookHandler = (agent: AgentRef, line: HookLine, commit: HookCommit) => Promise<void>;

/** The little of a logger the ingestor uses. */
export interface IngestLogger {
  warn(obj: object, msg: string): void;
}

export interface HookIngestorOptions {
  store: Pick<Store, 'agents' | 'events' | 'supervision'>;
  /** `<FLOTILLA_HOME>`; events files are `<home>/agents/<id>/events.jsonl`. */
  home: string;
  onHook: HookHandler;
  logger?: IngestLogger;
  /** Use fs.watch as a trigger (default true). */
  watch?: boolean;
}

interface Tracked {
  agent: AgentRef;
  file: string;
  /** Offset after the last committed line; null until loaded from the store. */
  offset: number | null;
  watcher: FSWatcher | null;
  /** A read is queued and has not started: further pokes can join it. */
  queued: Promise<number> | null;
  /** The last hook write that failed, until a later event arrives whole. */
  failure: WriteFailure | null;
  /** When a write failure was last reported (ms), so a full disk is reported once a minute. */
  failureReportedAt: number;
}

/** How often a disk that stays full is reported again for one agent. */
const FAILURE_REPORT_EVERY_MS = 60_000;

export class HookIngestor {
  private readonly tracked = new Map<string, Tracked>();
  private readonly mutex = new KeyedMutex();
  private closed = false;

  constructor(private readonly options: HookIngestorOptions) {}

  /** Starts following an agent's events file (created empty if missing, so it can be watched). */
  track(agent: AgentRef): void {
    if (this.closed || this.tracked.has(agent.id)) return;
    const file = agentFileInHome(this.options.home, agent.id, 'events');
    const entry: Tracked = {
      agent,
      file,
      offset: null,
      watcher: null,
      queued: null,
      failure: null,
      failureReportedAt: 0,
    };
    this.tracked.set(agent.id, entry);
    try {
      closeSync(openSync(file, 'a', 0o600));
      if (this.options.watch !== false) {
        entry.watcher = watch(file, { persistent: false }, () => void this.poke(agent.id).catch(() => {}));
        entry.watcher.on('error', () => entry.watcher?.close());
      }
    } catch (err) {
      this.options.logger?.warn({ agentId: agent.id, err }, 'cannot watch hook events file; polling it');
    }
  }

  untrack(agentId: string): void {
    const entry = this.tracked.get(agentId);
    entry?.watcher?.close();
    this.tracked.delete(agentId);
  }

  isTracked(agentId: string): boolean {
    return this.tracked.has(agentId);
  }

  /** Reads whatever is new for one agent; resolves with the number of lines ingested. */
  poke(agentId: string): Promise<number> {
    const entry = this.tracked.get(agentId);
    if (!entry) return Promise.resolve(0);
    if (entry.queued) return entry.queued;
    const run = this.mutex.run(agentId, async () => {
      entry.queued = null;
      try {
        return await this.ingest(entry);
      } catch (err) {
        // An agent deleted with its task leaves nothing to record its hooks against.
        if (!(await this.options.store.agents.get(agentId))) this.untrack(agentId);
        throw err;
      }
    });
    entry.queued = run;
    return run;
  }

  /** The last hook write of this agent that failed (disk full), while no later event arrived. */
  writeFailure(agentId: string): string | null {
    return this.tracked.get(agentId)?.failure?.message ?? null;
  }

  /**
   * The tick fallback: pokes every agent whose file grew past what was read (one stat each),
   * and reports a failed hook write (one more stat each).
   */
  async pokeAll(): Promise<void> {
    const work: Promise<number>[] = [];
    for (const [id, entry] of this.tracked) {
      work.push(this.reportWriteFailure(entry).catch(() => 0));
      let size: number | undefined;
      try {
        size = statSync(entry.file, { throwIfNoEntry: false })?.size;
      } catch {}
      if (size === undefined) continue;
      if (entry.offset === null || size !== entry.offset) work.push(this.poke(id).catch(() => 0));
    }
    await Promise.all(work);
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.tracked.keys()]) this.untrack(id);
  }

  /** A marker left by a hook that could not write: a health event and a log line, then gone. */
  private async reportWriteFailure(entry: Tracked): Promise<number> {
    const failure = readWriteFailure(entry.file, entry.agent.id);
    if (!failure || Date.now() - entry.failureReportedAt < FAILURE_REPORT_EVERY_MS) return 0;
    entry.failure = failure;
    entry.failureReportedAt = Date.now();
    const { agent } = entry;
    this.options.logger?.warn({ agentId: agent.id }, failure.message);
    await this.options.store.events.append({
      type: 'agent.health',
      actor: 'supervisor',
      repoId: agent.repoId,
      taskId: agent.taskId,
      agentId: agent.id,
      data: { check: 'hook-write', level: 'error', message: failure.message },
    });
    // Removed only once on record: a failed append (the store's disk is full too) retries.
    clearWriteFailure(entry.file);
    return 0;
  }

  private async ingest(entry: Tracked): Promise<number> {
    const { store, onHook, logger } = this.options;
    if (entry.offset === null) entry.offset = (await store.supervision.get(entry.agent.id)).hookOffset;
    let total = 0;
    for (;;) {
      const read = readCompleteLines(entry.file, entry.offset);
      if (read.reset)
        logger?.warn({ agentId: entry.agent.id }, 'hook events file shrank; reading it from the start');
      if (read.skipped > 0)
        logger?.warn({ agentId: entry.agent.id, bytes: read.skipped }, 'skipped an over-long hook line');
      if (read.lines.length === 0) {
        if (read.offset !== entry.offset) entry.offset = read.offset;
        return total;
      }
      for (const { text, end } of read.lines) {
        const { line, torn } = readLine(text, entry.agent.id);
        if (torn) logger?.warn({ agentId: entry.agent.id, text: text.slice(0, 200) }, TORN_LINE);
        if (!line) {
          // Nothing to record: the next commit persists an offset past this line.
          entry.offset = end;
          continue;
        }
        let recorded = false;
        const commit: HookCommit = async (effect) => {
          if (recorded) return null;
          const { agent } = await store.supervision.recordHook(
            { agent: entry.agent, data: hookEventData(line), offset: end },
            effect,
          );
          recorded = true;
          entry.offset = end;
          return agent;
        };
        if (this.tracked.get(entry.agent.id) === entry) {
          try {
            await onHook(entry.agent, line, commit);
          } catch (err) {
            logger?.warn({ agentId: entry.agent.id, err }, 'hook line handler failed');
          }
        }
        // Recorded even when the handler failed: a line is never read twice.
        await commit();
        total++;
        if (entry.failure && Date.parse(line.ts) > entry.failure.at) entry.failure = null;
        if (this.tracked.get(entry.agent.id) !== entry) return total;
      }
    }
  }
}

const TORN_LINE = 'skipped a torn hook events line (a write cut short)';
/** How every line the hook command writes begins (`HookLine` with `ts` first). */
const LINE_START = '{"ts":"';

/**
 * One line of the events file. A write cut short (disk full) leaves a line that begins like a
 * hook line but is not JSON: it is skipped (`torn`). A hook older than the newline-after-a-torn-
 * line rule appended its whole line right after the fragment: that event is recovered.
 * An empty line (two hooks both ending a torn line) is skipped silently.
 */
export function readLine(text: string, agentId: string): { line: HookLine | null; torn: boolean } {
  if (text.trim() === '') return { line: null, torn: false };
  const whole = parseLine(text, agentId);
  if (whole.event !== 'invalid' || !text.includes(LINE_START)) return { line: whole, torn: false };
  for (let at = text.indexOf(LINE_START, 1); at !== -1; at = text.indexOf(LINE_START, at + 1)) {
    const tail = parseLine(text.slice(at), agentId);
    if (tail.event !== 'invalid') return { line: tail, torn: true };
  }
  return text.startsWith(LINE_START) ? { line: null, torn: true } : { line: whole, torn: false };
}

/** A line as the hook command wrote it; anything else is kept as an `invalid` event. */
export function parseLine(text: string, agentId: string): HookLine {
  try {
    const v = JSON.parse(text) as Partial<HookLine>;
    if (v && typeof v === 'object' && typeof v.event === 'string') {
      const payload =
        v.payload && typeof v.payload === 'object' ? (v.payload as Record<string, unknown>) : {};
      return {
        ts: typeof v.ts === 'string' ? v.ts : new Date().toISOString(),
        agentId,
        event: v.event,
        payload,
      };
    }
  } catch {}
  return { ts: new Date().toISOString(), agentId, event: 'invalid', payload: { raw: text.slice(0, 500) } };
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** One short line saying what a hook reported: "PreToolUse Bash: git commit -m …". */
export function summarizeHook(event: string, payload: Record<string, unknown>): string {
  const tool = str(payload.tool_name);
  const input = payload.tool_input as Record<string, unknown> | undefined;
  const arg =
    input && typeof input === 'object'
      ? (str(input.command) ?? str(input.file_path) ?? str(input.pattern))
      : undefined;
  const extra =
    (tool ? `${tool}${arg ? `: ${arg.split('\n')[0]}` : ''}` : undefined) ??
    str(payload.notification_type) ??
    str(payload.error) ??
    str(payload.reason) ??
    str(payload.source) ??
    str(payload.prompt)?.split('\n')[0];
  return clip(extra ? `${event} ${extra}` : event, 160);
}

/** The `agent.hook` event's data: the hook, its summary and the few fields worth keeping. */
export function hookEventData(line: HookLine): EventData<'agent.hook'> {
  const p = line.payload;
  const data: EventData<'agent.hook'> = {
    hook: line.event,
    summary: summarizeHook(line.event, p),
    hookTs: line.ts,
  };
  for (const key of [
    'session_id',
    'tool_name',
    'tool_use_id',
    'notification_type',
    'source',
    'reason',
    'error',
  ]) {
    const v = str(p[key]);
    if (v) data[key] = clip(v, 200);
  }
  if (typeof p.message === 'string') data.message = clip(p.message, 500);
  return data;
}
