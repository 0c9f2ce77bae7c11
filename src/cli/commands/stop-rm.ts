/**
 * `flotilla stop` and `flotilla rm`, one agent or in bulk (`stop --all`, `rm --finished`). A bulk
 * action goes ahead for every agent it can and lists the ones it could not, with why; the exit
 * status is then 4 (as a refused single action), so a script notices.
 */
import type { Command } from 'commander';
import type { Agent } from '../../domain/agent.js';
import { FlotillaError } from '../../domain/errors.js';
import type { Runner } from '../context.js';
import { type CliContext, clientFor } from '../context.js';
import { paint } from '../output.js';
import { type RemoveOutcomeLike, removedText } from '../remove-words.js';

/** An agent a bulk action could not act on (the others went ahead). */
interface BulkFailure {
  agentId: string;
  code: string;
  message: string;
  hint?: string;
}

interface StopAllResult {
  stopped: Agent[];
  failed: BulkFailure[];
}

interface RemoveFinishedResult {
  removed: { agent: Agent; worktree: { worktreeRemoved: boolean } | null }[];
  failed: BulkFailure[];
}

/** `POST /api/v1/agents/bulk/<action>` (the routes are in api/routes/agents-bulk.ts). */
async function bulk<T>(ctx: CliContext, action: 'stop' | 'remove', body: object): Promise<T> {
  const { ensureDaemon, daemonClient } = await import('../daemon-control.js');
  const conn = await ensureDaemon(ctx.paths, ctx.env);
  if (conn.started) ctx.info(`started the flotilla daemon (pid ${conn.pid}, ${conn.url})`);
  return daemonClient(conn).request<T>('POST', `/api/v1/agents/bulk/${action}`, body);
}

/** The exit status of a bulk action that left some agents as they were (CONFLICT's). */
const SOME_REFUSED = 4;

function usage(message: string, hint: string): FlotillaError {
  return new FlotillaError('INVALID_INPUT', message, { hint });
}

function printFailures(ctx: CliContext, failed: BulkFailure[]): void {
  for (const f of failed) {
    ctx.out(`${paint(ctx.style, 'red', 'not done')} ${paint(ctx.style, 'cyan', f.agentId)}: ${f.message}`);
    if (f.hint) ctx.out(`    ${f.hint}`);
  }
  if (failed.length > 0) ctx.exitCode = SOME_REFUSED;
}

interface StopFlags {
  all?: boolean;
  repo?: string;
  json?: boolean;
}

interface RmFlags {
  finished?: boolean;
  repo?: string;
  worktree?: boolean;
  force?: boolean;
  json?: boolean;
}

export function registerStopRmCommands(
  program: Command,
  run: Runner,
  printAgentLine: (ctx: CliContext, verb: string, a: Pick<Agent, 'id' | 'status' | 'branch'>) => void,
): void {
  program
    .command('stop')
    .description(
      'stop an agent, or every agent with --all (SIGINT, then SIGTERM, then SIGKILL); worktrees and branches stay',
    )
    .argument('[agent]', 'agent id or unique prefix')
    .option('--all', 'stop every agent that is not finished')
    .option('--repo <name>', 'with --all: only agents of this repo (name or id)')
    .option('--json', 'print the agent as JSON (with --all: {stopped, failed})')
    .action((id: string | undefined, opts: StopFlags, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (id !== undefined && opts.all)
          throw usage('give an agent or --all, not both', 'flotilla stop <agent>, or flotilla stop --all');
        if (opts.repo !== undefined && !opts.all)
          throw usage('--repo applies to --all only', 'flotilla stop --all --repo <name>');
        if (!opts.all) {
          if (id === undefined)
            throw usage(
              'which agent? none was given',
              'flotilla stop <agent> (see flotilla ps), or flotilla stop --all',
            );
          const agent = await (await clientFor(ctx)).agentAction(id, 'stop');
          if (opts.json) return ctx.json(agent);
          return printAgentLine(ctx, 'stopped', agent);
        }
        const result = await bulk<StopAllResult>(
          ctx,
          'stop',
          opts.repo === undefined ? {} : { repo: opts.repo },
        );
        if (opts.json) {
          if (result.failed.length > 0) ctx.exitCode = SOME_REFUSED;
          return ctx.json(result);
        }
        for (const a of result.stopped) printAgentLine(ctx, 'stopped', a);
        if (result.stopped.length === 0 && result.failed.length === 0)
          ctx.out(`No running agents${opts.repo === undefined ? '' : ` in ${opts.repo}`}.`);
        printFailures(ctx, result.failed);
      }),
    );

  program
    .command('rm')
    .description('remove an agent, or every finished one with --finished; branches are always kept')
    .argument('[agent]', 'agent id or unique prefix')
    .option('--finished', 'remove every exited, stopped or crashed agent')
    .option('--repo <name>', 'with --finished: only agents of this repo (name or id)')
    .option('--worktree', 'also remove the worktree (refused if it holds uncommitted or unmerged work)')
    .option(
      '--force',
      'stop it first if running; with --worktree, discard uncommitted changes (one agent only)',
    )
    .option('--json', 'print JSON')
    .action((id: string | undefined, opts: RmFlags, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (id !== undefined && opts.finished)
          throw usage(
            'give an agent or --finished, not both',
            'flotilla rm <agent>, or flotilla rm --finished',
          );
        if (opts.repo !== undefined && !opts.finished)
          throw usage('--repo applies to --finished only', 'flotilla rm --finished --repo <name>');
        // Bulk removal is never forced: work left in a worktree must be looked at one agent at a time.
        if (opts.finished && opts.force)
          throw usage('--force applies to one agent only', 'flotilla rm <agent> --force');
        if (!opts.finished) {
          if (id === undefined)
            throw usage(
              'which agent? none was given',
              'flotilla rm <agent> (see flotilla ps), or flotilla rm --finished',
            );
          const result = await (await clientFor(ctx)).removeAgent(id, {
            force: Boolean(opts.force),
            worktree: Boolean(opts.worktree),
          });
          if (opts.json) return ctx.json(result);
          return ctx.out(removedText(result as RemoveOutcomeLike, Boolean(opts.worktree)));
        }
        const result = await bulk<RemoveFinishedResult>(ctx, 'remove', {
          ...(opts.repo === undefined ? {} : { repo: opts.repo }),
          ...(opts.worktree ? { worktree: true } : {}),
        });
        if (opts.json) {
          if (result.failed.length > 0) ctx.exitCode = SOME_REFUSED;
          return ctx.json(result);
        }
        for (const r of result.removed) {
          const wt = r.worktree?.worktreeRemoved ? ' and its worktree' : '';
          ctx.out(
            `removed ${paint(ctx.style, 'cyan', r.agent.id)} ${r.agent.status}${wt}  ${r.agent.branch}${(r as RemoveOutcomeLike).branch?.exists === false ? ' (already deleted)' : ' (kept)'}`,
          );
        }
        if (result.removed.length === 0 && result.failed.length === 0)
          ctx.out(
            `No finished agents${opts.repo === undefined ? '' : ` in ${opts.repo}`} (exited, stopped or crashed).`,
          );
        printFailures(ctx, result.failed);
      }),
    );
}
