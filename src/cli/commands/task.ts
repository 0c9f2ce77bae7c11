import type { Command } from 'commander';
import type { z } from 'zod';
import { FlotillaError } from '../../domain/errors.js';
import type { Task, TaskFilter, TaskPatch, TaskStatus } from '../../domain/task.js';
import { confirm } from '../confirm.js';
import type { Runner } from '../context.js';
import { type CliContext, clientFor, findRepoRoot } from '../context.js';
import { age, type ColorName, keyValues, paint, type Style, table } from '../output.js';
import { collect, parsePositiveInt, parsePriority, parseStatus, readPrompt } from '../parse.js';

const STATUS_COLOR: Record<TaskStatus, ColorName> = {
  backlog: 'gray',
  todo: 'blue',
  in_progress: 'yellow',
  review: 'magenta',
  done: 'green',
  failed: 'red',
  cancelled: 'gray',
};

const statusText = (style: Style, status: TaskStatus) => paint(style, STATUS_COLOR[status], status);

function taskTable(
  tasks: Task[],
  style: Style,
  byId: Map<string, Task>,
  showRepo: Map<string, string> | null,
) {
  return table(
    tasks,
    [
      { header: 'ID', value: (t) => paint(style, 'cyan', t.id) },
      ...(showRepo ? [{ header: 'REPO', value: (t: Task) => showRepo.get(t.repoId) ?? t.repoId }] : []),
      { header: 'STATUS', value: (t) => statusText(style, t.status) },
      {
        header: 'PRIORITY',
        value: (t) => (t.priority === 'normal' ? t.priority : paint(style, 'bold', t.priority)),
      },
      { header: 'TITLE', value: (t) => t.title, max: 60 },
      { header: 'LABELS', value: (t) => t.labels.join(','), max: 30 },
      {
        header: 'DEPENDS ON',
        value: (t) =>
          t.dependsOn.map((d) => (byId.get(d)?.status === 'done' ? paint(style, 'dim', d) : d)).join(','),
      },
      { header: 'AGE', value: (t) => age(t.createdAt), align: 'right' },
    ],
    style,
  );
}

function showTask(ctx: CliContext, task: Task) {
  const pairs: Array<[string, string]> = [
    ['id', paint(ctx.style, 'cyan', task.id)],
    ['title', task.title],
    ['status', statusText(ctx.style, task.status)],
    ['priority', task.priority],
    ['labels', task.labels.join(', ') || '-'],
    ['depends on', task.dependsOn.join(', ') || '-'],
    ['external', task.externalRefs.map((r) => `${r.system}:${r.key}`).join(', ') || '-'],
    ['created', `${task.createdAt} (${age(task.createdAt)} ago)`],
    ['updated', `${task.updatedAt} (${age(task.updatedAt)} ago)`],
  ];
  let text = keyValues(pairs, ctx.style);
  text += `\n\n${paint(ctx.style, 'dim', 'prompt:')}\n${task.prompt || paint(ctx.style, 'dim', '(none: the title is the prompt)')}`;
  ctx.out(text);
}

/**
 * Checks what the user typed against the rules the API applies, so a refusal names the argument
 * or option they gave (`--label 'a b'`), not the request body field the daemon would name.
 */
function checkInput<T>(schema: z.ZodType<T>, value: unknown, what: string, hint: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problem = r.error.issues[0]?.message ?? 'not valid';
  throw new FlotillaError('INVALID_INPUT', what ? `${what}: ${problem}` : problem, { hint });
}

async function checkTaskInput(input: { title?: string; prompt?: string; labels?: string[] }): Promise<void> {
  // Loaded here, not at start-up: zod is most of what a CLI start would load, and only the
  // commands that take a task's text need it (`task list` answers in half the time without).
  const { LabelSchema, PromptSchema, TitleSchema } = await import('../../domain/task.js');
  if (input.title !== undefined)
    checkInput(
      TitleSchema,
      input.title,
      '',
      'give a short title in quotes: flotilla task add "Fix the login"',
    );
  if (input.prompt !== undefined)
    checkInput(
      PromptSchema,
      input.prompt,
      '--prompt',
      'point the prompt to a file the agent can read instead',
    );
  for (const label of input.labels ?? [])
    checkInput(
      LabelSchema,
      label,
      `--label '${label}'`,
      'labels look like: bug, area/api, p1 (separate several with commas)',
    );
}

interface AddOptions {
  prompt?: string;
  promptFile?: string;
  priority?: string;
  label?: string[];
  dependsOn?: string[];
  status?: string;
  json?: boolean;
}

interface EditOptions extends Omit<AddOptions, 'status' | 'label' | 'dependsOn'> {
  title?: string;
  label?: string[];
  removeLabel?: string[];
  dependsOn?: string[];
  removeDependsOn?: string[];
}

export function registerTaskCommands(program: Command, run: Runner): void {
  const task = program.command('task').description('add, list, edit and move tasks');

  task
    .command('add')
    .description('add a task to the current repo')
    .argument('<title>', 'a short title; also the prompt when no --prompt is given')
    .option('-p, --prompt <text>', 'what the agent should do')
    .option('-f, --prompt-file <file>', 'read the prompt from a file (- for stdin)')
    .option('--priority <level>', 'low | normal | high | urgent', 'normal')
    .option('-l, --label <label>', 'add a label (repeatable, or comma-separated)', collect)
    .option(
      '-d, --depends-on <id>',
      'a task that must be done first (repeatable; any unique id prefix)',
      collect,
    )
    .option('--status <status>', 'initial status: backlog | todo', 'todo')
    .option('--json', 'print the created task as JSON')
    .action((title: string, opts: AddOptions, cmd: Command) =>
      run(cmd, async (ctx) => {
        const prompt = readPrompt(opts, ctx.cwd);
        const priority = parsePriority(opts.priority ?? 'normal');
        const status = parseStatus(opts.status ?? 'todo');
        await checkTaskInput({
          title,
          ...(prompt === undefined ? {} : { prompt }),
          labels: opts.label ?? [],
        });
        const client = await clientFor(ctx);
        const repo = await client.repoForPath(findRepoRoot(ctx.cwd));
        const created = await client.createTask(repo.id, {
          title,
          ...(prompt === undefined ? {} : { prompt }),
          priority,
          status,
          labels: opts.label ?? [],
          dependsOn: opts.dependsOn ?? [],
        });
        if (opts.json) return ctx.json(created);
        ctx.out(
          `${paint(ctx.style, 'green', 'added')} ${paint(ctx.style, 'cyan', created.id)} ${created.title}`,
        );
        if (created.dependsOn.length > 0) ctx.info(`  depends on ${created.dependsOn.join(', ')}`);
      }),
    );

  task
    .command('list')
    .alias('ls')
    .description("list the current repo's tasks (all repos outside one)")
    .option('-s, --status <status>', 'only these statuses (repeatable, or comma-separated)', collect)
    .option('-l, --label <label>', 'only tasks with this label (repeatable: all must match)', collect)
    .option('--priority <level>', 'only these priorities (repeatable, or comma-separated)', collect)
    .option('-a, --all-repos', 'list tasks of every registered repo')
    .option('-n, --limit <n>', 'show at most n tasks')
    .option('--json', 'print JSON: {tasks, total}')
    .action(
      (
        opts: {
          status?: string[];
          label?: string[];
          priority?: string[];
          allRepos?: boolean;
          limit?: string;
          json?: boolean;
        },
        cmd: Command,
      ) =>
        run(cmd, async (ctx) => {
          const filter: TaskFilter = {};
          if (opts.status) filter.status = opts.status.map(parseStatus);
          if (opts.priority) filter.priority = opts.priority.map(parsePriority);
          if (opts.label) filter.label = opts.label;
          if (opts.limit !== undefined) filter.limit = parsePositiveInt(opts.limit, '--limit');
          const client = await clientFor(ctx);
          const root = opts.allRepos ? null : findRepoRoot(ctx.cwd);
          let repoNames: Map<string, string> | null = null;
          if (root !== null) {
            filter.repoId = (await client.repoForPath(root)).id;
          } else {
            repoNames = new Map((await client.listRepos()).map((r) => [r.id, r.name]));
          }
          const { tasks, total } = await client.listTasks(filter);
          if (opts.json) return ctx.json({ tasks, total });
          if (tasks.length === 0) {
            ctx.out(
              total === 0 && !opts.status && !opts.label && !opts.priority
                ? 'No tasks yet. Add one: flotilla task add "Describe the change"'
                : 'No tasks match.',
            );
            return;
          }
          const byId = new Map(tasks.map((t) => [t.id, t]));
          ctx.out(taskTable(tasks, ctx.style, byId, repoNames && repoNames.size > 1 ? repoNames : null));
          if (total > tasks.length) ctx.info(`(${tasks.length} of ${total} shown; use --limit)`);
        }),
    );

  task
    .command('show')
    .description('show one task')
    .argument('<id>', 'task id or unique prefix')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const found = await (await clientFor(ctx)).getTask(id);
        if (opts.json) return ctx.json(found);
        showTask(ctx, found);
      }),
    );

  task
    .command('edit')
    .description('change a task: title, prompt, priority, labels, dependencies')
    .argument('<id>', 'task id or unique prefix')
    .option('-t, --title <title>', 'new title')
    .option('-p, --prompt <text>', 'new prompt')
    .option('-f, --prompt-file <file>', 'read the new prompt from a file (- for stdin)')
    .option('--priority <level>', 'low | normal | high | urgent')
    .option('-l, --label <label>', 'add a label (repeatable)', collect)
    .option('--remove-label <label>', 'remove a label (repeatable)', collect)
    .option('-d, --depends-on <id>', 'add a dependency (repeatable)', collect)
    .option('--remove-depends-on <id>', 'remove a dependency (repeatable)', collect)
    .option('--json', 'print the updated task as JSON')
    .action((id: string, opts: EditOptions, cmd: Command) =>
      run(cmd, async (ctx) => {
        const patch: TaskPatch = {};
        if (opts.title !== undefined) patch.title = opts.title;
        const prompt = readPrompt(opts, ctx.cwd);
        if (prompt !== undefined) patch.prompt = prompt;
        if (opts.priority !== undefined) patch.priority = parsePriority(opts.priority);
        if (opts.label) patch.addLabels = opts.label;
        if (opts.removeLabel) patch.removeLabels = opts.removeLabel;
        if (opts.dependsOn) patch.addDependsOn = opts.dependsOn;
        if (opts.removeDependsOn) patch.removeDependsOn = opts.removeDependsOn;
        await checkTaskInput({
          ...(opts.title === undefined ? {} : { title: opts.title }),
          ...(prompt === undefined ? {} : { prompt }),
          labels: opts.label ?? [],
        });
        if (Object.keys(patch).length === 0) {
          throw new FlotillaError('INVALID_INPUT', 'nothing to change', {
            hint: 'pass at least one of --title, --prompt, --priority, --label, --remove-label, --depends-on, --remove-depends-on',
          });
        }
        const updated = await (await clientFor(ctx)).updateTask(id, patch);
        if (opts.json) return ctx.json(updated);
        ctx.out(
          `${paint(ctx.style, 'green', 'updated')} ${paint(ctx.style, 'cyan', updated.id)} ${updated.title}`,
        );
      }),
    );

  task
    .command('move')
    .description('move a task to another status')
    .argument('<id>', 'task id or unique prefix')
    .argument('<status>', 'backlog | todo | in_progress | review | done | failed | cancelled')
    .option('--json', 'print the moved task as JSON')
    .action((id: string, statusArg: string, opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const status = parseStatus(statusArg);
        const moved = await (await clientFor(ctx)).moveTask(id, status);
        if (opts.json) return ctx.json(moved);
        ctx.out(
          `${paint(ctx.style, 'cyan', moved.id)} → ${statusText(ctx.style, moved.status)}  ${moved.title}`,
        );
      }),
    );

  task
    .command('rm')
    .alias('remove')
    .description('delete a task (asks first on a terminal)')
    .argument('<id>', 'task id or unique prefix')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--force', 'also drop the dependencies other tasks have on it')
    .option('--json', 'print the removed task as JSON')
    .action((id: string, opts: { yes?: boolean; force?: boolean; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const client = await clientFor(ctx);
        const target = await client.getTask(id);
        if (!opts.yes) {
          if (!ctx.stdinIsTTY) {
            throw new FlotillaError(
              'INVALID_INPUT',
              `refusing to delete task ${target.id} without confirmation`,
              {
                hint: 'stdin is not a terminal, so nobody can answer; pass --yes to delete it',
              },
            );
          }
          if (!(await confirm(`Delete task ${target.id} "${target.title}"?`))) {
            ctx.info('kept.');
            return;
          }
        }
        const removed = await client.removeTask(target.id, { force: Boolean(opts.force) });
        if (opts.json) return ctx.json(removed);
        ctx.out(
          `${paint(ctx.style, 'red', 'deleted')} ${paint(ctx.style, 'cyan', removed.id)} ${removed.title}`,
        );
      }),
    );
}
