import type { Command } from 'commander';
import type { AgentStatus } from '../../domain/agent.js';
import type { AgentView } from '../../domain/agent-view.js';
import { FlotillaError } from '../../domain/errors.js';
import { WAITING_AGENT_STATUSES } from '../../domain/values.js';
import { agentNote, answerHint } from '../agent-notes.js';
import type { Runner } from '../context.js';
import { type CliContext, clientFor } from '../context.js';
import { age, type ColorName, paint, type Style, table } from '../output.js';
import { parsePositiveInt } from '../parse.js';
import { registerLogsCommand } from './logs.js';
import { registerStopRmCommands } from './stop-rm.js';
import { upWatch } from './up-watch.js';
import { registerWatchCommand, WATCH_OPTIONS, watchFleet } from './watch.js';

const STATUS_COLOR: Record<AgentStatus, ColorName> = {
  starting: 'blue',
  working: 'green',
  needs_input: 'yellow',
  needs_permission: 'red',
  idle: 'gray',
  rate_limited: 'magenta',
  exited: 'gray',
  stopped: 'gray',
  crashed: 'red',
  restarting: 'magenta',
};

/** Statuses that wait for the user: shown loud, because a silent wait is lost time. */
const WAITING = WAITING_AGENT_STATUSES;

export const statusText = (style: Style, s: AgentStatus): string => {
  const text = paint(style, STATUS_COLOR[s], s);
  return WAITING.includes(s) ? paint(style, 'bold', text) : text;
};

const mb = (bytes: number | null) => (bytes === null ? '-' : `${Math.round(bytes / 1024 / 1024)}M`);
const pct = (p: number | null) => (p === null ? '-' : `${p.toFixed(p < 10 ? 1 : 0)}%`);

function psTable(agents: AgentView[], style: Style): string {
  return table(
    agents,
    [
      { header: 'AGENT', value: (a) => paint(style, 'cyan', a.id) },
      { header: 'STATUS', value: (a) => statusText(style, a.status) },
      { header: 'FOR', value: (a) => age(a.statusSince), align: 'right' },
      { header: 'TASK', value: (a) => `${a.taskId} ${a.taskTitle ?? ''}`.trim(), max: 40 },
      { header: 'BRANCH', value: (a) => a.branch, max: 40 },
      { header: 'KIND', value: (a) => `${a.adapter}${a.mode === 'headless' ? ' (headless)' : ''}` },
      { header: 'RESTARTS', value: (a) => String(a.restartCount), align: 'right' },
      { header: 'CPU', value: (a) => pct(a.cpuPercent), align: 'right' },
      { header: 'RSS', value: (a) => mb(a.rssBytes), align: 'right' },
      { header: 'NOTE', value: (a) => agentNote(a), max: 60 },
    ],
    style,
  );
}

function printAgentLine(ctx: CliContext, verb: string, a: Pick<AgentView, 'id' | 'status' | 'branch'>) {
  ctx.out(`${verb} ${paint(ctx.style, 'cyan', a.id)} ${statusText(ctx.style, a.status)}  ${a.branch}`);
}

const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** `flotilla show`: every fact a user needs to decide without attaching. */
function printAgentDetails(ctx: CliContext, a: AgentView): void {
  const row = (label: string, value: string) =>
    ctx.out(`${paint(ctx.style, 'bold', label.padEnd(11))} ${value}`);
  row(
    'agent',
    `${paint(ctx.style, 'cyan', a.id)} (${a.adapter}${a.mode === 'headless' ? ', headless' : ''})`,
  );
  row('status', `${statusText(ctx.style, a.status)} for ${age(a.statusSince)} (from ${a.statusSource})`);
  if (a.statusDetail) row('about', a.statusDetail);
  row('task', `${a.taskId} ${a.taskTitle ?? ''}`.trim());
  row('branch', a.branch);
  row('worktree', a.worktreePath);
  row('restarts', String(a.restartCount));
  if (a.progress) row('progress', `${a.progress.text} (${age(a.progress.at)} ago)`);
  const p = a.pendingPermission;
  if (a.status === 'needs_permission' && p) {
    row('asks to use', `${p.tool}${p.subject === null ? '' : `: ${p.subject}`}`);
    if (p.diff)
      ctx.out(
        p.diff
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n'),
      );
  }
  if (a.lastMessage) {
    ctx.out(paint(ctx.style, 'bold', 'last message'));
    ctx.out(
      a.lastMessage
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
  }
  const hint = answerHint(a);
  if (hint) row('answer', hint);
  row('attach', `flotilla attach ${a.id}`);
}

/** New lines of `cur` after the part it shares with `prev` (both are tails of the same log). */
export function newLines(prev: string[], cur: string[]): string[] {
  for (let k = Math.min(prev.length, cur.length); k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = prev[prev.length - k + i] === cur[i];
    if (same) return cur.slice(k);
  }
  return cur;
}

interface PsFlags {
  all?: boolean;
  json?: boolean;
  watch?: boolean;
  bell?: boolean;
  notify?: boolean;
}

interface StartFlags {
  agent?: string;
  mode?: string;
  force?: boolean;
  reuseBranch?: boolean;
  json?: boolean;
}

export function registerAgentCommands(program: Command, run: Runner): void {
  program
    .command('start')
    .description('start an agent on a task: a worktree, a branch and a tmux session of its own')
    .argument('<task>', 'task id or unique prefix')
    .option('-a, --agent <name>', 'which configured agent (default: the `agent` config key)')
    .option('-m, --mode <mode>', 'interactive (the TUI, attachable) | headless')
    .option(
      '-f, --force',
      'start even if its dependencies are not done or limits.max_concurrent agents are running',
    )
    .option(
      '--reuse-branch',
      "start from the task's kept branch (its earlier worktree was removed), keeping its commits",
    )
    .option('--json', 'print the agent as JSON')
    .action((task: string, opts: StartFlags, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (opts.mode !== undefined && opts.mode !== 'interactive' && opts.mode !== 'headless') {
          throw new FlotillaError('INVALID_INPUT', `unknown mode '${opts.mode}'`, {
            hint: 'use --mode interactive or --mode headless',
          });
        }
        const agent = await (await clientFor(ctx)).startAgent({
          task,
          ...(opts.agent ? { agent: opts.agent } : {}),
          ...(opts.mode ? { mode: opts.mode } : {}),
          ...(opts.force ? { force: true } : {}),
          ...(opts.reuseBranch ? { reuseBranch: true } : {}),
        });
        if (opts.json) return ctx.json(agent);
        printAgentLine(ctx, paint(ctx.style, 'green', 'started'), agent);
        ctx.info(
          `  worktree ${agent.worktreePath}\n  watch: flotilla top · attach: flotilla attach ${agent.id}`,
        );
      }),
    );

  program
    .command('up')
    .description(
      'start agents for every ready todo task (dependencies done), within limits.max_concurrent; says why each other todo task was not started',
    )
    .option('--max <n>', 'at most n agents running (overrides limits.max_concurrent)')
    .option('--repo <name>', 'only tasks of this repo (name or id)')
    .option(
      '--watch',
      'then stay: start ready tasks as their dependencies land (the dispatcher, as scheduler.auto does) until Ctrl-C',
    )
    .option(
      '--json',
      'print JSON: {started, skipped: [{taskId, title, reason, code, blockedBy?}], running, limit}',
    )
    .action((opts: { max?: string; repo?: string; json?: boolean; watch?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (opts.watch && opts.json) {
          throw new FlotillaError('INVALID_INPUT', '--watch and --json do not go together', {
            hint: 'flotilla up --json starts what is ready once; flotilla events --json lists what happened since',
          });
        }
        const result = await (await clientFor(ctx)).up({
          ...(opts.max !== undefined ? { max: parsePositiveInt(opts.max, '--max') } : {}),
          ...(opts.repo ? { repo: opts.repo } : {}),
        });
        if (opts.json) return ctx.json(result);
        for (const a of result.started) printAgentLine(ctx, paint(ctx.style, 'green', 'started'), a);
        for (const s of result.skipped)
          ctx.out(`${paint(ctx.style, 'yellow', 'skipped')} ${s.taskId} ${s.title}: ${s.reason}`);
        if (result.started.length === 0 && result.skipped.length === 0)
          ctx.out('No ready tasks (todo, with every dependency done).');
        ctx.info(`${result.running + result.started.length} of ${result.limit} agent slots in use`);
        if (result.memory && !result.memory.ok) {
          ctx.info(
            `${paint(ctx.style, 'yellow', 'low memory')}: ${result.memory.availableMb} MiB available, below limits.min_free_memory_mb (${result.memory.floorMb}); no agent starts until more is free`,
          );
        }
        if (opts.watch) await upWatch(ctx, opts.repo);
      }),
    );

  program
    .command('ps')
    .description('list agents: status and for how long, task, branch, restarts, CPU and memory')
    .option('-a, --all', 'include removed agents')
    .option('--json', 'print JSON: {agents}')
    .option(
      '-w, --watch',
      'stay open and follow changes live (also: flotilla top); keys y approve, n deny, a attach, q quit',
    )
    .option('--bell', `with --watch: ${WATCH_OPTIONS.bell}`)
    .option('--notify', `with --watch: ${WATCH_OPTIONS.notify}`)
    .action((opts: PsFlags, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (opts.watch) {
          if (opts.json || opts.all)
            throw new FlotillaError(
              'INVALID_INPUT',
              `--watch cannot be combined with ${opts.json ? '--json' : '--all'}`,
              {
                hint: 'flotilla ps --watch (live), or flotilla ps --json (once)',
              },
            );
          return watchFleet(ctx, { bell: Boolean(opts.bell), notify: Boolean(opts.notify) });
        }
        if (opts.bell || opts.notify)
          throw new FlotillaError('INVALID_INPUT', `${opts.bell ? '--bell' : '--notify'} needs --watch`, {
            hint: 'flotilla ps --watch --bell  (or: flotilla top --bell)',
          });
        const client = await clientFor(ctx);
        const { agents } = await client.listAgents(Boolean(opts.all));
        if (opts.json) return ctx.json({ agents });
        // The dispatcher holds back while memory is short: say so where the fleet is looked at.
        const scheduler = await client.landing.scheduler().catch(() => null);
        if (scheduler && !scheduler.memory.ok) {
          ctx.info(
            paint(
              ctx.style,
              'yellow',
              `low memory: ${scheduler.memory.availableMb} MiB available, below limits.min_free_memory_mb (${scheduler.memory.floorMb}); no agent starts until more is free`,
            ),
          );
        }
        if (agents.length === 0)
          return ctx.out('No agents. Start one: flotilla start <task>  (or: flotilla up)');
        ctx.out(psTable(agents, ctx.style));
        for (const a of agents) {
          if (a.warning) ctx.info(paint(ctx.style, 'red', `warning: ${a.warning}`));
        }
        const waiting = agents.filter((a) => WAITING.includes(a.status));
        if (waiting.length > 0) {
          // What each one asks, in full (the table cuts it), and how to answer it: part of the
          // output (stdout), not a diagnostic, so it stays with the table in a pipe.
          ctx.out(
            paint(ctx.style, 'yellow', `${waiting.length} need${waiting.length === 1 ? 's' : ''} you:`),
          );
          for (const a of waiting) {
            ctx.out(
              `  ${paint(ctx.style, 'cyan', a.id)}  ${statusText(ctx.style, a.status)}  ${truncate(agentNote(a), 200)}`,
            );
            ctx.out(`      ${answerHint(a) ?? ''}`);
          }
        }
      }),
    );

  program
    .command('show')
    .description(
      'one agent in full: status and what it is about, the permission it asks for (with the diff), its last message',
    )
    .argument('<agent>', 'agent id or unique prefix')
    .option('--json', 'print the agent as JSON')
    .action((id: string, opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const a = await (await clientFor(ctx)).getAgent(id);
        if (opts.json) return ctx.json(a);
        printAgentDetails(ctx, a);
      }),
    );

  registerLogsCommand(program, run);

  program
    .command('send')
    .description(
      'send a message to an agent as text (never keys) and check it was taken; refused while a dialog is open',
    )
    .argument('<agent>', 'agent id or unique prefix')
    .argument('<text>', 'the message; line breaks keep it one message; control characters are refused')
    .action((id: string, text: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (text.trim() === '') {
          throw new FlotillaError('INVALID_INPUT', 'the message is empty', {
            hint: `give the text to send: flotilla send ${id} "…"`,
          });
        }
        await (await clientFor(ctx)).send(id, text);
        ctx.info(`sent to ${id}`);
      }),
    );

  program
    .command('approve')
    .description('answer "yes" to the permission dialog an agent is showing (each key checked on screen)')
    .argument('<agent>', 'agent id or unique prefix')
    .option('--always', 'choose "Yes, and don\'t ask again" for this command instead of yes once')
    .option('--json', 'print the agent as JSON')
    .action((id: string, opts: { always?: boolean; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const agent = await (await clientFor(ctx)).answer(id, {
          decision: 'approve',
          ...(opts.always ? { always: true } : {}),
        });
        if (opts.json) return ctx.json(agent);
        printAgentLine(ctx, `approved ("${agent.answered}")`, agent);
      }),
    );

  program
    .command('deny')
    .description('answer "no" to the permission dialog an agent is showing; the command does not run')
    .argument('<agent>', 'agent id or unique prefix')
    .option('-m, --message <text>', 'one line the agent is told with the refusal (what to do instead)')
    .option('--json', 'print the agent as JSON')
    .action((id: string, opts: { message?: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const agent = await (await clientFor(ctx)).answer(id, {
          decision: 'deny',
          ...(opts.message === undefined ? {} : { message: opts.message }),
        });
        if (opts.json) return ctx.json(agent);
        printAgentLine(ctx, `denied ("${agent.answered}")`, agent);
      }),
    );

  program
    .command('answer')
    .description(
      'answer the question an agent asked (its ask_user tool gets the text as its result); with none open, an agent waiting at its prompt gets the text as a message',
    )
    .argument('<agent>', 'agent id or unique prefix')
    .argument('<text>', 'the answer')
    .option('--json', 'print the agent as JSON')
    .action((id: string, text: string, opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (text.trim() === '') {
          throw new FlotillaError('INVALID_INPUT', 'the answer is empty', {
            hint: `give the text of the answer: flotilla answer ${id} "…"`,
          });
        }
        const agent = await (await clientFor(ctx)).answerQuestion(id, text);
        if (opts.json) return ctx.json(agent);
        printAgentLine(ctx, agent.answered === 'question' ? 'answered' : 'sent as a message to', agent);
      }),
    );

  registerWatchCommand(program, run);
  registerStopRmCommands(program, run, printAgentLine);

  program
    .command('restart')
    .description('restart an agent, resuming the same conversation')
    .argument('<agent>', 'agent id or unique prefix')
    .option('--json', 'print the agent as JSON')
    .action((id: string, opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const agent = await (await clientFor(ctx)).agentAction(id, 'restart');
        if (opts.json) return ctx.json(agent);
        printAgentLine(ctx, 'restarted', agent);
      }),
    );

  program
    .command('attach')
    .description("attach to an agent's tmux session (inside tmux: opens it in a new window)")
    .argument('<agent>', 'agent id or unique prefix')
    .action((id: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        const agent = await (await clientFor(ctx)).getAgent(id);
        const [{ attachArgv, detachHint }, { runInteractive }] = await Promise.all([
          import('../../core/attach.js'),
          import('../../proc/index.js'),
        ]);
        const argv = attachArgv(agent, ctx.env);
        ctx.info(`attaching to ${agent.id} (${agent.tmuxSession}); ${await detachHint(agent, ctx.env)}`);
        ctx.exitCode = runInteractive(argv[0] as string, argv.slice(1), ctx.env);
      }),
    );
}
