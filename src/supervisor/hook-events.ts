import { closeSync, type FSWatcher, openSync, statSync, watch } from 'node:fs';
import { eventsFile, type HookLine } from '../agents/hook-cli.js';
import type { Agent } from '../domain/agent.js';
import type { Store } from '../store/open.js';
import { readCompleteLines } from './hook-file.js';
import { KeyedMutex } from './mutex.js';
import { commitHookEvent, readSupervision } from './supervision-store.js';

/**
 * The daemon side of hooks. Each live agent's events file is read from a byte offset persisted
 * in the store, on three triggers: the hook's HTTP poke (fast), fs.watch (no daemon URL needed),
 * and every health tick (the fallback that always works). Each complete line becomes one
 * `agent.hook` event committed together with the new offset, so lines written while the daemon
 * was down are read when it is back, none twice; then the line is handed on (status).
 */

/** What identifies an agent's events in the log. */
export type AgentRef = Pick<Agent, 'id' | 'repoId' | 'taskId'>;

/** Called for each new hook line, after its event is committed. */
export type HookHandler = (agent: AgentRef, line: HookLine) => Promise<void>;

/** The little of a logger the ingestor uses. */
export interface IngestLogger {
  warn(obj: object, msg: string): void;
}

export interface HookIngestorOptions {
  store: Store;
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
}

export class HookIngestor {
  private readonly tracked = new Map<string, Tracked>();
  private readonly mutex = new KeyedMutex();
  private closed = false;

  constructor(private readonly options: HookIngestorOptions) {}

  /** Starts following an agent's events file (created empty if missing, so it can be watched). */
  track(agent: AgentRef): void {
    if (this.closed || this.tracked.has(agent.id)) return;
    const file = eventsFile(this.options.home, agent.id);
    const entry: Tracked = { agent, file, offset: null, watcher: null, queued: null };
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

  /** The tick fallback: pokes every agent whose file grew past what was read (one stat each). */
  async pokeAll(): Promise<void> {
    const work: Promise<number>[] = [];
    for (const [id, entry] of this.tracked) {
      let size: number;
      try {
        size = statSync(entry.file).size;
      } catch {
        continue;
      }
      if (entry.offset === null || size !== entry.offset) work.push(this.poke(id).catch(() => 0));
    }
    await Promise.all(work);
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.tracked.keys()]) this.untrack(id);
  }

  private async ingest(entry: Tracked): Promise<number> {
    const { store, onHook, logger } = this.options;
    if (entry.offset === null) entry.offset = (await readSupervision(store.db, entry.agent.id)).hookOffset;
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
        const line = parseLine(text, entry.agent.id);
        await commitHookEvent(store, entry.agent, hookEventData(line), end);
        entry.offset = end;
        total++;
        if (this.tracked.get(entry.agent.id) !== entry) return total;
        try {
          await onHook(entry.agent, line);
        } catch (err) {
          logger?.warn({ agentId: entry.agent.id, err }, 'hook line handler failed');
        }
      }
    }
  }
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
export function hookEventData(line: HookLine): Record<string, unknown> {
  const p = line.payload;
  const data: Record<string, unknown> = {
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
