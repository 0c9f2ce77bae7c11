import type { Command } from 'commander';
import { FlotillaError } from '../../domain/errors.js';
import type { Landing } from '../../domain/landing.js';
import type { ReviewSummary } from '../../domain/review.js';
import { confirm } from '../confirm.js';
import type { CliContext, Runner } from '../context.js';
import { clientFor } from '../context.js';
import { paint, table } from '../output.js';

/** How long `land --wait` waits for its landings at most (a verify may run long). */
const WAIT_MS = 60 * 60_000;
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const FINAL = new Set(['landed', 'failed', 'sent_back', 'cancelled']);

export function registerLandingCommands(program: Command, run: Runner): void {
  program
    .command('land')
    .description(
      "land finished tasks on their repo's base branch, in order: conflicts predicted, rebased (landing.strategy) in a scratch worktree, landing.verify run there, then the base advanced atomically; a conflict or a failed verify goes back to the agent",
    )
    .argument('[tasks...]', 'task ids or unique prefixes, landed in this order')
    .option('--list', 'show the landing queues and recent landings instead')
    .option('--cancel', 'take the named tasks out of the queue')
    .option('--wait', 'wait until each landing has landed or failed; exit 1 if any did not land')
    .option('--json', 'print JSON: {queued: [{landing, position, already}]} (--list: {landings})')
    .action(
      (
        tasks: string[],
        opts: { list?: boolean; cancel?: boolean; wait?: boolean; json?: boolean },
        cmd: Command,
      ) =>
        run(cmd, async (ctx) => {
          const client = (await clientFor(ctx)).landing;
          if (opts.list) {
            const { landings } = await client.landings();
            if (opts.json) return ctx.json({ landings });
            return printLandings(ctx, landings.slice(-30));
          }
          if (tasks.length === 0) {
            throw new FlotillaError('INVALID_INPUT', 'name the tasks to land', {
              hint: 'flotilla review lists the tasks waiting for review; flotilla land --list shows the queues',
            });
          }
          if (opts.cancel) {
            const cancelled = [];
            for (const t of tasks) cancelled.push(await client.cancel(t));
            if (opts.json) return ctx.json({ cancelled });
            for (const l of cancelled)
              ctx.out(`${paint(ctx.style, 'yellow', 'cancelled')} landing of task ${l.taskId}`);
            return;
          }
          const { queued } = await client.land(tasks);
          if (!opts.wait) {
            if (opts.json) return ctx.json({ queued });
            for (const q of queued) {
              const what = q.already ? 'already queued' : 'queued';
              ctx.out(
                `${paint(ctx.style, 'green', what)} task ${paint(ctx.style, 'cyan', q.landing.taskId)} ${q.landing.branch} → ${q.landing.baseRef} (position ${q.position}, ${q.landing.strategy})`,
              );
            }
            ctx.info('follow it: flotilla land --list (or flotilla land <task> --wait)');
            return;
          }
          const ends = await waitForLandings(
            client,
            queued.map((q) => q.landing.id),
          );
          if (opts.json) return ctx.json({ landings: ends });
          printLandings(ctx, ends);
          if (ends.some((l) => l.state !== 'landed')) process.exitCode = 1;
        }),
    );

  program
    .command('review')
    .description(
      "what waits for review: commits, diff stat, the agent's last message, the last landing; or send a task back, or discard it",
    )
    .argument('[task]', 'one task, in detail')
    .option(
      '--send-back <message>',
      'send the task back to its agent with this message (the same session goes on)',
    )
    .option('--discard', 'stop its agent, remove its worktree and cancel the task (asks first on a terminal)')
    .option('--delete-branch', 'with --discard: delete its branch too (kept by default, with its commits)')
    .option('-y, --yes', 'with --discard: do not ask for confirmation')
    .option('--json', 'print JSON: {reviews} (with a task: the review summary)')
    .action(
      (
        task: string | undefined,
        opts: { sendBack?: string; discard?: boolean; deleteBranch?: boolean; yes?: boolean; json?: boolean },
        cmd: Command,
      ) =>
        run(cmd, async (ctx) => {
          const client = (await clientFor(ctx)).landing;
          if ((opts.sendBack !== undefined || opts.discard) && !task) {
            throw new FlotillaError('INVALID_INPUT', 'name the task to send back or discard', {
              hint: 'flotilla review lists the tasks waiting for review',
            });
          }
          if (task && opts.sendBack !== undefined) {
            const moved = await client.sendBack(task, opts.sendBack);
            if (opts.json) return ctx.json(moved);
            return ctx.out(`${paint(ctx.style, 'yellow', 'sent back')} task ${moved.id} to its agent`);
          }
          if (task && opts.discard) {
            if (!opts.yes) {
              if (!ctx.stdinIsTTY) {
                throw new FlotillaError(
                  'INVALID_INPUT',
                  `refusing to discard task ${task} without confirmation`,
                  {
                    hint: 'stdin is not a terminal, so nobody can answer; pass --yes to discard it',
                  },
                );
              }
              const what = opts.deleteBranch
                ? 'its worktree and its branch'
                : 'its worktree (the branch is kept)';
              if (!(await confirm(`Discard task ${task}: stop its agent, remove ${what}, cancel it?`))) {
                ctx.info('kept.');
                return;
              }
            }
            const cancelled = await client.discard(task, Boolean(opts.deleteBranch));
            if (opts.json) return ctx.json(cancelled);
            return ctx.out(`${paint(ctx.style, 'red', 'discarded')} task ${cancelled.id} ${cancelled.title}`);
          }
          if (task) {
            const summary = await client.review(task);
            if (opts.json) return ctx.json(summary);
            return printReview(ctx, summary);
          }
          const { reviews } = await client.reviews();
          if (opts.json) return ctx.json({ reviews });
          if (reviews.length === 0) return ctx.out('Nothing waits for review.');
          const s = ctx.style;
          ctx.out(
            table(
              reviews,
              [
                { header: 'TASK', value: (r) => paint(s, 'cyan', r.task.id) },
                { header: 'TITLE', value: (r) => r.task.title, max: 40 },
                { header: 'COMMITS', value: (r) => String(r.ahead), align: 'right' },
                {
                  header: 'DIFF',
                  value: (r) =>
                    `${count(r.totals.files, 'file')} ${paint(s, 'green', `+${r.totals.insertions}`)} ${paint(s, 'red', `-${r.totals.deletions}`)}`,
                },
                { header: 'LANDING', value: (r) => (r.landing ? landingState(ctx, r.landing) : '-') },
              ],
              s,
            ),
          );
          ctx.info('land them: flotilla land <task>…; details: flotilla review <task>');
        }),
    );
}

async function waitForLandings(
  client: Awaited<ReturnType<typeof clientFor>>['landing'],
  ids: string[],
): Promise<Landing[]> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const { landings } = await client.landings();
    const mine = landings.filter((l) => ids.includes(l.id));
    if (mine.length === ids.length && mine.every((l) => FINAL.has(l.state))) return mine;
    if (Date.now() > deadline) {
      throw new FlotillaError('TIMEOUT', 'the landings did not finish within an hour', {
        hint: 'flotilla land --list shows where they are',
      });
    }
    // A landing without a verify takes a fraction of a second: a slow poll would be most of it.
    await new Promise((r) => setTimeout(r, 100));
  }
}

function landingState(ctx: CliContext, l: Landing): string {
  const s = ctx.style;
  if (l.state === 'landed') return paint(s, 'green', 'landed');
  if (l.state === 'running') return paint(s, 'yellow', `running (${l.step ?? '…'})`);
  if (l.state === 'queued') return 'queued';
  if (l.state === 'cancelled') return paint(s, 'dim', 'cancelled');
  return paint(s, 'red', `${l.state === 'sent_back' ? 'sent back' : 'failed'}: ${l.failure}`);
}

function printLandings(ctx: CliContext, landings: Landing[]): void {
  if (landings.length === 0) {
    ctx.out('No landings yet. Queue one: flotilla land <task>');
    return;
  }
  for (const l of landings) {
    ctx.out(
      `${paint(ctx.style, 'cyan', l.taskId)} ${l.branch} → ${l.baseRef}  ${landingState(ctx, l)}${l.commit && l.state === 'landed' ? ` ${l.commit.slice(0, 10)}` : ''}`,
    );
    if (l.message && l.state !== 'landed') ctx.out(`    ${l.message}`);
  }
}

function printReview(ctx: CliContext, r: ReviewSummary): void {
  const s = ctx.style;
  ctx.out(`${paint(s, 'cyan', r.task.id)} ${r.task.title}  (${r.task.status})`);
  ctx.out(
    `branch ${r.branch ?? '-'} → ${r.baseRef ?? '-'}: ${count(r.ahead, 'commit')} ahead, ${r.behind} behind`,
  );
  for (const c of r.commits) ctx.out(`  ${paint(s, 'yellow', c.sha.slice(0, 10))} ${c.subject}`);
  ctx.out(
    `${count(r.totals.files, 'file')} ${paint(s, 'green', `+${r.totals.insertions}`)} ${paint(s, 'red', `-${r.totals.deletions}`)}`,
  );
  for (const f of r.files) ctx.out(`  ${f.path}  +${f.insertions} -${f.deletions}`);
  if (r.lastMessage) ctx.out(`last message: ${r.lastMessage}`);
  if (r.usage)
    ctx.out(
      `usage: ${r.usage.inputTokens} in / ${r.usage.outputTokens} out tokens, $${r.usage.costUsd.toFixed(2)}`,
    );
  if (r.landing) {
    ctx.out(
      `last landing: ${landingState(ctx, r.landing)}${r.landing.message ? ` — ${r.landing.message}` : ''}`,
    );
    if (r.landing.verifyOutput) ctx.out(r.landing.verifyOutput.split('\n').slice(-20).join('\n'));
  }
}
