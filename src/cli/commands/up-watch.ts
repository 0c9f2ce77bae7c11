import type { FlotillaEvent } from '../../domain/event.js';
import type { CliContext } from '../context.js';
import { clientFor } from '../context.js';
import { paint } from '../output.js';

/** The lease is renewed this often; the daemon drops it 30 s after the last renewal (a killed CLI). */
const RENEW_MS = 10_000;
const POLL_MS = 1_000;

/**
 * `flotilla up --watch`: the dispatcher is on for the repo (or all repos) while this runs, and
 * what it does is printed as it happens: agents started, tasks moving, landings. Ctrl-C ends the
 * lease at once; a CLI killed otherwise lets it expire.
 */
export async function upWatch(ctx: CliContext, repo: string | undefined): Promise<void> {
  const client = await clientFor(ctx);
  let { leaseId } = await client.landing.watch(repo);
  ctx.info(
    `dispatching ready tasks${repo ? ` of ${repo}` : ''} as their dependencies land; Ctrl-C to stop (agents keep running)`,
  );
  const first = await client.events({ limit: '1', order: 'desc' });
  let after = first.lastId ?? 0;
  let stopping = false;
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => {
      stopping = true;
      resolve();
    });
  });
  let renewedAt = Date.now();
  let memoryOk = true;
  while (!stopping) {
    if (Date.now() - renewedAt >= RENEW_MS) {
      ({ leaseId } = await client.landing.watch(repo, leaseId));
      renewedAt = Date.now();
      // Said once when the dispatcher starts holding back for memory, and once when it stops.
      const { memory } = await client.landing.scheduler();
      if (memory.ok !== memoryOk) {
        memoryOk = memory.ok;
        ctx.out(
          memory.ok
            ? 'memory is back above limits.min_free_memory_mb: dispatching again'
            : `${paint(ctx.style, 'yellow', 'low memory')}: ${memory.availableMb} MiB available, below limits.min_free_memory_mb (${memory.floorMb}); no agent starts until more is free`,
        );
      }
    }
    const { events } = await client.events({ after: String(after), limit: '500' });
    for (const e of events) {
      after = Math.max(after, e.id);
      const line = describe(ctx, e);
      if (line) ctx.out(line);
    }
    await Promise.race([stop, new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  await client.landing.unwatch(leaseId).catch(() => undefined);
  ctx.info('stopped dispatching (the agents keep running).');
}

function describe(ctx: CliContext, e: FlotillaEvent): string | null {
  const s = ctx.style;
  const time = e.ts.slice(11, 19);
  const task = e.taskId ? paint(s, 'cyan', e.taskId) : '';
  switch (e.type) {
    case 'agent.created':
      return `${time} ${paint(s, 'green', 'started')} agent ${e.agentId} on task ${task} (${e.data.branch})`;
    case 'task.moved':
      return `${time} task ${task} ${e.data.from} → ${e.data.to}`;
    case 'landing.queued':
      return `${time} task ${task} queued for landing on ${e.data.baseRef}`;
    case 'landing.landed':
      return `${time} ${paint(s, 'green', 'landed')} task ${task} on ${e.data.baseRef} at ${e.data.commit.slice(0, 10)}`;
    case 'landing.failed':
      return `${time} ${paint(s, 'red', 'landing failed')} task ${task}: ${e.data.message}`;
    case 'agent.status_changed':
      return e.data.to === 'needs_permission' || e.data.to === 'needs_input'
        ? `${time} agent ${e.agentId} ${paint(s, 'yellow', e.data.to)}${e.data.detail ? `: ${e.data.detail}` : ''}`
        : null;
    default:
      return null;
  }
}
