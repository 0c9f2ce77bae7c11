import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_FILES, agentDir } from '../agents/agent-dir.js';
import type { StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import { adapterOf, type SupervisorContext } from './context.js';
import { readCompleteLines } from './hook-file.js';
import { type PaneLogRotation, rotatedLogOf, rotatePaneLog } from './pane-log.js';
import type { AgentRuntime } from './runtime.js';
import { addUsage, emptyUsage, type UsageTotals } from './usage.js';

/**
 * Headless agents that print machine-readable lines (Claude Code's stream-json) report their
 * status and token usage there. Those lines reach the pane log through pipe-pane; this reads
 * the log from where it left off. After a daemon restart the log is read again from the start
 * in one go: the usage totals are rebuilt and only the last status is applied, so no status
 * change is recorded twice.
 *
 * A rotation of the pane log (pane-log.ts) cuts off what was already read. So that the totals
 * survive it, the agent's `stream-state.json` keeps the totals up to the cut, and the start of
 * a line the cut split in two; a rebuild starts from them instead of from zero.
 */

/** Where the statuses read from stream lines go (the lifecycle; named here so this file needs no import of it). */
export interface SignalSink {
  applySignal(agentId: string, signal: StatusSignal): Promise<void>;
}

/** Reads the agent's new stream lines; returns how many were read. */
export function observeStream(
  ctx: SupervisorContext,
  lifecycle: SignalSink,
  agent: Agent,
  rt: AgentRuntime,
): Promise<number> {
  return rt.stream.queued(() => readStream(ctx, lifecycle, agent, rt));
}

/**
 * Rotates a streaming agent's pane log (see rotatePaneLog): its lines up to the cut are read
 * first, the cut is taken with no read in progress, and the totals are saved for a restart.
 */
export function rotateStreamLog(
  ctx: SupervisorContext,
  lifecycle: SignalSink,
  agent: Agent,
  rt: AgentRuntime,
  maxBytes: number,
): Promise<PaneLogRotation | null> {
  return rt.stream.queued(async () => {
    const dir = agentDir(ctx.paths.agentsDir, agent.id);
    const file = join(dir, AGENT_FILES.paneLog);
    await readStream(ctx, lifecycle, agent, rt);
    const from = rt.stream.offset ?? 0;
    // pane.log.1 keeps the start of an unfinished line, so the line is whole once it ends.
    const rotation = rotatePaneLog(file, maxBytes, { keepFrom: from });
    if (!rotation) return null;
    // Lines cat appended between that read and the cut are in pane.log.1 now.
    const rotated = rotatedLogOf(file);
    const reader = lineReader(ctx, lifecycle, agent, rt, false);
    let carry = '';
    if (from >= rotation.keptFrom) {
      let offset = from - rotation.keptFrom;
      for (;;) {
        const read = readCompleteLines(rotated, offset);
        offset = read.offset;
        if (read.lines.length === 0) break;
        for (const { text } of read.lines) await reader.line(text);
      }
      carry = readRest(rotated, offset);
    } else {
      ctx.logger.warn({ agentId: agent.id }, 'stream lines cut off by a pane log rotation were not read');
    }
    await reader.finish();
    rt.stream.carry = carry;
    rt.stream.offset = 0;
    writeStreamState(dir, { usage: rt.stream.usage, carry });
    return rotation;
  });
}

async function readStream(
  ctx: SupervisorContext,
  lifecycle: SignalSink,
  agent: Agent,
  rt: AgentRuntime,
): Promise<number> {
  const dir = agentDir(ctx.paths.agentsDir, agent.id);
  const file = join(dir, AGENT_FILES.paneLog);
  const catchingUp = rt.stream.offset === null;
  if (catchingUp) restore(rt, readStreamState(dir));
  const reader = lineReader(ctx, lifecycle, agent, rt, catchingUp);
  let offset = rt.stream.offset ?? 0;
  for (;;) {
    const read = readCompleteLines(file, offset);
    if (read.reset) {
      // Cut by something other than a rotation: what it held is gone; what was rotated stays.
      restore(rt, readStreamState(dir));
      rt.stream.carry = '';
    }
    offset = read.offset;
    if (read.lines.length === 0) break;
    for (const { text } of read.lines) await reader.line(text);
  }
  rt.stream.offset = offset;
  return reader.finish();
}

/** Applies stream lines one by one; while catching up, only the last status counts. */
function lineReader(
  ctx: SupervisorContext,
  lifecycle: SignalSink,
  agent: Agent,
  rt: AgentRuntime,
  catchingUp: boolean,
) {
  const parse = adapterOf(ctx, agent).fromStreamLine;
  let last: StatusSignal | null = null;
  let count = 0;
  let sessionId = agent.sessionId;
  return {
    async line(text: string): Promise<void> {
      const whole = rt.stream.carry === '' ? text : rt.stream.carry + text;
      rt.stream.carry = '';
      const line = whole.replace(/\r$/, '').trim();
      if (!parse || !line.startsWith('{')) return;
      let result: ReturnType<typeof parse>;
      try {
        result = parse(line, new Date(ctx.now()));
      } catch {
        return;
      }
      if (!result) return;
      count++;
      if (result.usage) addUsage(rt.stream.usage, result.usage);
      // Agents that choose their own session id (codex) say it here: it is what resume needs.
      if (result.sessionId && result.sessionId !== sessionId) {
        sessionId = result.sessionId;
        await ctx.store.agents.update(agent.id, { sessionId }, 'supervisor');
      }
      if (result.status) {
        if (catchingUp) last = result.status;
        else await lifecycle.applySignal(agent.id, result.status);
      }
    },
    async finish(): Promise<number> {
      if (last) await lifecycle.applySignal(agent.id, last);
      if (count > 0) rt.health.active(ctx.now());
      return count;
    },
  };
}

/** What the rotated-away part of an agent's pane log said. */
interface StreamState {
  usage: UsageTotals;
  carry: string;
}

/** A split line longer than this is dropped rather than carried (stream lines are far shorter). */
const MAX_CARRY_BYTES = 1024 * 1024;

function restore(rt: AgentRuntime, state: StreamState): void {
  rt.stream.usage = state.usage;
  rt.stream.carry = state.carry;
}

function readStreamState(dir: string): StreamState {
  const usage = emptyUsage();
  try {
    const v = JSON.parse(readFileSync(join(dir, AGENT_FILES.streamState), 'utf8')) as Partial<StreamState>;
    for (const key of Object.keys(usage) as (keyof UsageTotals)[]) {
      const n = v.usage?.[key];
      if (typeof n === 'number' && Number.isFinite(n)) usage[key] = n;
    }
    return { usage, carry: typeof v.carry === 'string' ? v.carry : '' };
  } catch {
    return { usage, carry: '' };
  }
}

function writeStreamState(dir: string, state: StreamState): void {
  const file = join(dir, AGENT_FILES.streamState);
  writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** The bytes of `file` after `offset` (an unfinished line), or '' when there are too many. */
function readRest(file: string, offset: number): string {
  const fd = openSync(file, 'r');
  try {
    const length = fstatSync(fd).size - offset;
    if (length <= 0 || length > MAX_CARRY_BYTES) return '';
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
