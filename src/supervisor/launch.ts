import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { agentDir } from '../agents/agent-dir.js';
import type { Agent, AgentMode } from '../domain/agent.js';
import { FlotillaError, isFlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import { newId } from '../domain/ids.js';
import type { Worktree } from '../domain/worktree.js';
import { createWorktree, pruneWorktrees } from '../git/index.js';
import { checkTmux, sessionNameFor } from '../tmux/index.js';
import { adapterOf, agentEntry, type SupervisorContext, streams } from './context.js';
import { choosePortBase, deadOnArrival, killQuietly, undoWorktree } from './launch-steps.js';
import { isLive } from './machine.js';
import { prepareLaunch } from './prepare.js';

/**
 * Starting an agent on a task, all or nothing. Every check that can fail without side effects
 * runs first (agent name, task state, command on PATH, tmux); then the worktree, the agent's
 * files and the tmux session are made, and the agent row, the worktree row and the task's move
 * to in_progress are committed in one transaction. Any failure undoes what was made, in
 * reverse, and says which step failed.
 */

/** Options of `start`. */
export interface StartOptions {
  /** Config entry name (`agents.<name>`); default `config.agent`. */
  agent?: string;
  mode?: AgentMode;
  actor?: Actor;
  /**
   * Start from the branch an earlier worktree of the task left behind (`start --reuse-branch`),
   * keeping its commits. Refused when the branch is missing or checked out elsewhere.
   */
  reuseBranch?: boolean;
}

/** In-flight starts: a port block and a task are held from choice to commit. */
export interface StartLocks {
  ports: Set<number>;
  tasks: Set<string>;
  /** Tasks whose worktree is being removed (worktree-guard.ts): no start until it is done. */
  clearing: Set<string>;
}

export async function startAgent(
  ctx: SupervisorContext,
  locks: StartLocks,
  taskIdOrPrefix: string,
  options: StartOptions = {},
): Promise<Agent> {
  const { store } = ctx;
  const task = await store.tasks.resolve(taskIdOrPrefix);
  const repo = await store.repos.require(task.repoId);
  ctx.repoConfigs.remember(repo);
  const config = ctx.repoConfigs.for(repo.id);
  const name = options.agent ?? config.agent;
  const entry = agentEntry(config, name);
  const adapter = adapterOf(ctx, { adapter: name, repoId: repo.id });
  const mode = options.mode ?? entry.mode;
  const actor = options.actor ?? 'user';
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new FlotillaError('CONFLICT', `task ${task.id} is ${task.status}`, {
      hint: `move it back first: flotilla task move ${task.id} todo`,
    });
  }
  if (locks.tasks.has(task.id)) {
    throw new FlotillaError('CONFLICT', `an agent is already being started on task ${task.id}`);
  }
  const live = (await store.agents.list({ taskId: task.id })).find(
    (a) => isLive(a.status) || a.status === 'restarting',
  );
  if (live) {
    throw new FlotillaError('CONFLICT', `task ${task.id} already has agent ${live.id} (${live.status})`, {
      hint: `stop it first (flotilla stop ${live.id}), or attach to it`,
    });
  }
  await checkTmux({ command: ctx.tmux.client.command, env: ctx.tmux.client.env });

  // Checked and marked with no await between: the worktree guard does the same on its side.
  if (locks.tasks.has(task.id)) {
    throw new FlotillaError('CONFLICT', `an agent is already being started on task ${task.id}`);
  }
  if (locks.clearing.has(task.id)) {
    throw new FlotillaError('CONFLICT', `task ${task.id}'s worktree is being removed`, {
      hint: `start it again once that is done: flotilla start ${task.id}`,
    });
  }
  locks.tasks.add(task.id);
  let portBase: number | null = null;
  const undo: { what: string; fn: () => Promise<void> | void }[] = [];
  let step = 'choosing ids';
  try {
    let agentId = newId();
    while (await store.agents.get(agentId)) agentId = newId();
    const sessionId = adapter.resumable ? randomUUID() : null;
    const session = sessionNameFor(agentId);

    // A task whose earlier agent was stopped keeps its worktree (and its work): reuse it.
    step = 'creating the worktree';
    let worktree:
      | (Pick<Worktree, 'path' | 'branch' | 'baseRef' | 'baseCommit' | 'portBase'> & {
          id?: string;
        })
      | null = await store.worktrees.byTask(task.id);
    // With --reuse-branch, a recorded worktree whose directory is gone is replaced by a new one
    // on its branch (the row is marked removed in the commit below).
    let gone: Worktree | null = null;
    if (worktree && !existsSync(worktree.path)) {
      if (!options.reuseBranch) {
        throw new FlotillaError(
          'CONFLICT',
          `task ${task.id}'s worktree ${worktree.path} is recorded but missing on disk`,
          {
            hint: `restore it (git -C ${repo.path} worktree add ${worktree.path} ${worktree.branch}), or start in a new worktree from its branch ${worktree.branch}, keeping its commits: flotilla start ${task.id} --reuse-branch`,
          },
        );
      }
      gone = await store.worktrees.get((worktree as Worktree).id);
      worktree = null;
    }
    if (!worktree) {
      // The branch to reuse: the one the task's last worktree had (the title may have changed since).
      const previous = options.reuseBranch ? (gone ?? (await store.worktrees.lastOfTask(task.id))) : null;
      // git still lists a worktree whose directory was deleted; forget such records first.
      if (options.reuseBranch) await pruneWorktrees(repo.path);
      portBase = await choosePortBase(ctx, locks.ports);
      const created = await createWorktree({
        repoPath: repo.path,
        root: config.worktrees.root ?? join(ctx.paths.home, 'worktrees', repo.name),
        taskId: task.id,
        title: task.title,
        // Naming the base saves git the work of finding the default branch on every start.
        baseRef: config.worktrees.base_ref ?? repo.defaultBranch,
        copy: config.worktrees.copy,
        setup: config.worktrees.setup,
        portBase,
        portBlockSize: config.worktrees.port_block_size,
        ...(options.reuseBranch
          ? { requireExistingBranch: true, ...(previous ? { branch: previous.branch } : {}) }
          : {}),
      });
      worktree = { ...created, portBase };
      const made = worktree;
      undo.push({ what: `worktree ${made.path}`, fn: () => undoWorktree(repo.path, made) });
    }
    const wt = worktree;

    step = 'writing the agent files';
    undo.push({
      what: `agent dir ${agentDir(ctx.paths.agentsDir, agentId)}`,
      fn: () => rmSync(agentDir(ctx.paths.agentsDir, agentId), { recursive: true, force: true }),
    });
    const prepared = prepareLaunch(ctx, {
      agentId,
      name,
      entry,
      adapter,
      task,
      worktreePath: wt.path,
      mode,
      sessionId,
      portBase: wt.portBase,
      resume: false,
    });

    step = 'creating the tmux session';
    await ctx.tmux.newSession({
      name: session,
      cwd: wt.path,
      argv: prepared.argv,
      env: prepared.env,
      logFile: prepared.logFile,
      historyLimit: Math.max(1, config.tmux.history_limit),
    });
    undo.push({ what: `tmux session ${session}`, fn: () => killQuietly(ctx, session) });

    step = 'starting the agent';
    const pane = await deadOnArrival(ctx, session);

    step = 'recording the agent';
    const agent = await store.transaction(async (tx) => {
      if (gone) await tx.worktrees.markRemoved(gone.id, actor);
      let worktreeId = wt.id;
      if (worktreeId === undefined) {
        ({ id: worktreeId } = await tx.worktrees.create(
          {
            taskId: task.id,
            path: wt.path,
            branch: wt.branch,
            baseRef: wt.baseRef,
            baseCommit: wt.baseCommit,
            portBase: wt.portBase,
          },
          actor,
        ));
      }
      const created = await tx.agents.create(
        {
          id: agentId,
          taskId: task.id,
          adapter: name,
          mode,
          status: 'starting',
          statusSource: 'supervisor',
          worktreeId,
          tmuxSession: session,
          sessionId,
          pid: pane?.panePid ?? null,
        },
        actor,
      );
      if (task.status !== 'in_progress') await tx.tasks.move(task.id, 'in_progress', actor);
      return created;
    });

    const rt = ctx.runtime.get(agent.id);
    rt.run.launched(prepared.pendingPrompt);
    // A streaming agent's log starts empty: its lines are read as they come, not rebuilt.
    if (streams(ctx, agent)) rt.stream.startFresh();
    ctx.ingestor.track(agent);
    // Hook lines written before the watch began (a fast agent) are read now, not at the next tick.
    void ctx.ingestor.poke(agent.id).catch(() => 0);
    ctx.logger.info(
      { agentId: agent.id, taskId: task.id, agent: name, session, worktree: wt.path },
      'agent started',
    );
    return agent;
  } catch (err) {
    const leftovers: string[] = [];
    for (const u of undo.reverse()) {
      try {
        await u.fn();
      } catch (e) {
        leftovers.push(`${u.what}: ${(e as Error).message}`);
      }
    }
    const why = err instanceof Error ? err.message : String(err);
    throw new FlotillaError(
      isFlotillaError(err) ? err.code : 'INTERNAL',
      `could not start an agent on task ${task.id}: ${step} failed: ${why}`,
      {
        hint: leftovers.length
          ? `some of it could not be undone, clean up by hand: ${leftovers.join('; ')}`
          : ((isFlotillaError(err) ? err.hint : undefined) ??
            'nothing was left behind; fix the cause and start again'),
        cause: err,
      },
    );
  } finally {
    locks.tasks.delete(task.id);
    if (portBase !== null) locks.ports.delete(portBase);
  }
}
