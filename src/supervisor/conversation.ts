/**
 * An agent's conversation, read from what the agent itself records: an interactive Claude
 * Code's transcript JSONL (under the HOME its launch was given, in the folder named after its
 * worktree) or a headless agent's stream lines (its pane log). Each adapter says how
 * (`AgentAdapter.conversation`); an adapter that keeps no readable conversation gets a page
 * with source `none` and a note.
 *
 * Files are read incrementally: per agent, the entries so far and the byte offset reached are
 * kept, and a request parses only what was appended since. A file that shrank (a pane log
 * rotation, a replaced transcript) is read again from the start.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { agentFile } from '../agents/agent-dir.js';
import type { AgentEntryConfig, ConversationLineReader } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import type {
  ConversationEntry,
  ConversationEntryDraft,
  ConversationPage,
  ConversationSource,
} from '../domain/conversation.js';
import { cleanText } from '../domain/text.js';
import { KeyedMutex } from '../proc/keyed-mutex.js';
import { adapterOf, type SupervisorContext } from './context.js';

/** What reading conversations needs of the supervisor. */
export type ConversationDeps = Pick<
  SupervisorContext,
  'store' | 'paths' | 'env' | 'repoConfigs' | 'adapterFor' | 'buildPrompt'
>;

import { rotatedLogOf } from './pane-log.js';

/** Bytes of a file read at most (from its end) when it is first read. */
const MAX_READ_BYTES = 32 * 1024 * 1024;
/** Entries kept per agent at most (the oldest are dropped, their seqs stay). */
const MAX_ENTRIES = 20_000;

/** Where one agent's conversation is. */
interface Located {
  source: ConversationSource;
  /** Files read in order as one text (a rotated pane log, then the current one). */
  files: string[];
  reader: (() => ConversationLineReader) | null;
  note?: string;
}

interface Cached {
  key: string;
  reader: ConversationLineReader;
  /** Size of each file when last read (all but the last must stay as they were). */
  sizes: number[];
  /** Bytes of the last file read so far (a line start). */
  offset: number;
  entries: ConversationEntry[];
  /** Seq of the next entry. */
  next: number;
  /** Whether the prompt was put before the first session (headless). */
  prompted: boolean;
}

export interface ConversationQuery {
  /** Only entries after this seq. Absent: the last `limit` entries. */
  after?: number;
  limit?: number;
}

export class ConversationService {
  private readonly cache = new Map<string, Cached>();
  /** Reads of one agent never interleave. */
  private readonly reads = new KeyedMutex();

  constructor(private readonly ctx: ConversationDeps) {}

  /** A page of the agent's conversation. */
  async page(agent: Agent, query: ConversationQuery = {}): Promise<ConversationPage> {
    const located = this.locate(agent);
    const limit = query.limit ?? 200;
    const base = { agentId: agent.id, source: located.source };
    if (located.reader === null) {
      return { ...base, entries: [], total: 0, ...(located.note ? { note: located.note } : {}) };
    }
    const cached = await this.refresh(agent, located);
    const file = located.files.at(-1);
    const entries =
      query.after === undefined
        ? cached.entries.slice(-limit)
        : cached.entries.filter((e) => e.seq > (query.after as number)).slice(0, limit);
    const note =
      cached.next === 0
        ? located.source === 'transcript'
          ? 'no conversation yet: the transcript appears once the agent has been sent its first message'
          : 'no conversation yet: nothing printed so far'
        : undefined;
    return {
      ...base,
      ...(file ? { file } : {}),
      entries,
      total: cached.next,
      ...(note ? { note } : {}),
    };
  }

  /**
   * The last text the assistant wrote, for a headless agent whose screen shows JSON: read up to
   * date by the health tick (`refreshStream`); null for others, and before it was read.
   */
  lastSaid(agentId: string): string | null {
    const cached = this.cache.get(agentId);
    if (!cached?.key.startsWith('stream\0')) return null;
    for (let i = cached.entries.length - 1; i >= 0; i--) {
      const e = cached.entries[i] as ConversationEntry;
      if (e.kind === 'text') return oneLine(e.text);
    }
    return null;
  }

  /** Reads a headless agent's new stream lines into its conversation (no-op for others). */
  async refreshStream(agent: Agent): Promise<void> {
    const located = this.locate(agent);
    if (located.source === 'stream' && located.reader) await this.refresh(agent, located);
  }

  /** Drops what is kept of an agent (it was removed). */
  forget(agentId: string): void {
    this.cache.delete(agentId);
  }

  private locate(agent: Agent): Located {
    const adapter = adapterOf(this.ctx, agent);
    const support = adapter.conversation;
    const entry = this.ctx.repoConfigs.forQuietly(agent.repoId).agents[agent.adapter] as
      | AgentEntryConfig
      | undefined;
    const raw = `its raw terminal output: flotilla logs ${agent.id} --raw`;
    if (agent.mode === 'headless') {
      if (support?.streamReader) {
        const log = agentFile(this.ctx.paths.agentsDir, agent.id, 'paneLog');
        return { source: 'stream', files: [rotatedLogOf(log), log], reader: support.streamReader };
      }
    } else if (support?.transcriptFile && support.transcriptReader) {
      const env = entry?.env ?? {};
      // As prepare.ts gives the agent its HOME: the entry's env, else the daemon's.
      const home = env.HOME ?? this.ctx.env.HOME ?? homedir();
      const file = this.transcriptOf(agent, support.transcriptFile, home, env);
      if (file) return { source: 'transcript', files: [file], reader: support.transcriptReader };
      return {
        source: 'transcript',
        files: [],
        reader: null,
        note: `no transcript yet (the agent has no session id); ${raw}`,
      };
    }
    return {
      source: 'none',
      files: [],
      reader: null,
      note: `${adapter.kind} agents${agent.mode === 'headless' ? ' in headless mode' : ''} keep no conversation Flotilla can read; ${raw}`,
    };
  }

  /** The transcript path; when it is not there, the worktree's real path, then any project folder. */
  private transcriptOf(
    agent: Agent,
    pathOf: NonNullable<NonNullable<ReturnType<typeof adapterOf>['conversation']>['transcriptFile']>,
    home: string,
    env: Record<string, string>,
  ): string | null {
    const first = pathOf({ home, env, cwd: agent.worktreePath, sessionId: agent.sessionId });
    if (first === null || existsSync(first)) return first;
    try {
      const real = realpathSync(agent.worktreePath);
      const second = pathOf({ home, env, cwd: real, sessionId: agent.sessionId });
      if (second && existsSync(second)) return second;
    } catch {}
    // The folder name is Claude Code's business: look for the session's file in any of them.
    const projects = join(first, '..', '..');
    const name = first.slice(first.lastIndexOf('/') + 1);
    try {
      for (const dir of readdirSync(projects)) {
        const candidate = join(projects, dir, name);
        if (existsSync(candidate)) return candidate;
      }
    } catch {}
    return first;
  }

  private refresh(agent: Agent, located: Located): Promise<Cached> {
    return this.reads.run(agent.id, () => this.read(agent, located));
  }

  private async read(agent: Agent, located: Located): Promise<Cached> {
    const key = `${located.source}\0${located.files.join('\0')}`;
    const sizes = await Promise.all(
      located.files.map((f) =>
        stat(f).then(
          (s) => s.size,
          () => -1,
        ),
      ),
    );
    let cached = this.cache.get(agent.id);
    const lastSize = sizes.at(-1) ?? -1;
    const stale =
      !cached ||
      cached.key !== key ||
      sizes.slice(0, -1).some((s, i) => s !== cached?.sizes[i]) ||
      lastSize < cached.offset;
    if (stale || !cached) {
      cached = {
        key,
        reader: (located.reader as () => ConversationLineReader)(),
        sizes: sizes.map(() => 0),
        offset: 0,
        entries: [],
        next: 0,
        prompted: false,
      };
      this.cache.set(agent.id, cached);
      // The files before the last one are read whole, once.
      let budget = MAX_READ_BYTES;
      for (const [i, file] of located.files.slice(0, -1).entries()) {
        const size = sizes[i] ?? -1;
        if (size <= 0) continue;
        const { text } = await readRange(file, Math.max(0, size - budget), size);
        budget = Math.max(0, budget - size);
        await this.take(agent, cached, located, text, false);
      }
      cached.sizes = sizes;
      if (lastSize > MAX_READ_BYTES) cached.offset = lastSize - MAX_READ_BYTES;
    }
    if (lastSize > cached.offset) {
      const file = located.files.at(-1) as string;
      const { text, end } = await readRange(file, cached.offset, lastSize);
      // Only whole lines: the rest is read again once it ends.
      const nl = text.lastIndexOf('\n');
      if (nl >= 0) {
        const whole = text.slice(0, nl + 1);
        cached.offset += Buffer.byteLength(whole);
        await this.take(agent, cached, located, whole, true);
      } else if (end - cached.offset > 4 * 1024 * 1024) {
        cached.offset = end; // an endless line is not a conversation line
      }
    }
    cached.sizes = sizes;
    return cached;
  }

  private async take(
    agent: Agent,
    cached: Cached,
    located: Located,
    text: string,
    _last: boolean,
  ): Promise<void> {
    const drafts: ConversationEntryDraft[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      drafts.push(...cached.reader.push(line));
    }
    for (const draft of inTimeOrder(drafts)) {
      if (located.source === 'stream' && draft.kind === 'session' && !cached.prompted) {
        cached.prompted = true;
        this.add(cached, draft);
        const prompt = await this.firstPrompt(agent);
        if (prompt) this.add(cached, { kind: 'prompt', role: 'user', ts: null, text: prompt });
        continue;
      }
      this.add(cached, draft);
    }
  }

  private add(cached: Cached, draft: ConversationEntryDraft): void {
    cached.entries.push({ ...draft, seq: cached.next++ });
    if (cached.entries.length > MAX_ENTRIES) cached.entries.splice(0, cached.entries.length - MAX_ENTRIES);
  }

  /** The prompt a headless agent was started with (stream-json does not repeat it). */
  private async firstPrompt(agent: Agent): Promise<string | null> {
    try {
      const task = await this.ctx.store.tasks.get(agent.taskId);
      const entry = this.ctx.repoConfigs.forQuietly(agent.repoId).agents[agent.adapter] as
        | AgentEntryConfig
        | undefined;
      if (task && entry) return cleanText(this.ctx.buildPrompt(task, entry));
    } catch {}
    try {
      return cleanText(readFileSync(agentFile(this.ctx.paths.agentsDir, agent.id, 'prompt'), 'utf8'));
    } catch {
      return null;
    }
  }
}

/** A card shows one line: the text's lines joined, at most 200 characters (by code point). */
const oneLine = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length > 200 ? `${chars.slice(0, 199).join('')}…` : line;
};

/** Bytes [from, to) of a file as text (a cut multibyte character at the end is held back by the caller's line logic). */
async function readRange(file: string, from: number, to: number): Promise<{ text: string; end: number }> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return { text: '', end: from };
  try {
    const buf = Buffer.alloc(Math.max(0, to - from));
    const { bytesRead } = await handle.read(buf, 0, buf.length, from);
    return { text: buf.subarray(0, bytesRead).toString('utf8'), end: from + bytesRead };
  } finally {
    await handle.close();
  }
}

/**
 * The entries of one read in the order they happened. Claude Code can write a line of its
 * transcript after lines that came later (the launch prompt was seen after the reply it caused,
 * under load), but every line has its time: entries all carrying one are put in time order
 * (stably); a batch with an entry without a time is left in file order. Entries already handed
 * out keep their seq, so a line that arrives in a later read still lands after them.
 */
function inTimeOrder(drafts: ConversationEntryDraft[]): ConversationEntryDraft[] {
  if (drafts.length < 2 || drafts.some((d) => d.ts === null)) return drafts;
  return drafts
    .map((d, i) => ({ d, i, t: Date.parse(d.ts as string) }))
    .sort((a, b) => (a.t === b.t || Number.isNaN(a.t) || Number.isNaN(b.t) ? a.i - b.i : a.t - b.t))
    .map((x) => x.d);
}
