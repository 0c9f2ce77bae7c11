import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import {
  TASK_STATUSES,
  type Task,
  type TaskCreate,
  type TaskFilter,
  type TaskPatch,
  type TaskStatus,
  taskMoveRefusal,
} from '../domain/task.js';
import type { Store } from '../store/index.js';

/** A page of tasks and how many match the filter in all. */
export interface TaskPage {
  tasks: Task[];
  total: number;
}

/**
 * Tasks: add, edit, move, dependencies, delete. Every write names its actor; a move is checked
 * against the transition table of domain/task.ts (which status may follow which, who may move).
 */
export class TaskService {
  constructor(private readonly store: Store) {}

  /** Tasks matching `filter`, paginated (limit, offset), with the total that match. */
  async list(filter: TaskFilter = {}): Promise<TaskPage> {
    const { limit, offset, ...match } = filter;
    const [tasks, total] = await Promise.all([
      this.store.tasks.list({
        ...match,
        ...(limit ? { limit } : {}),
        ...(offset ? { offset } : {}),
      }),
      this.store.tasks.count(match),
    ]);
    return { tasks, total };
  }

  /** One task, by id or unique prefix. */
  get(idOrPrefix: string): Promise<Task> {
    return this.store.tasks.resolve(idOrPrefix);
  }

  /** Creates a task in a repo (dependencies may be id prefixes). */
  add(repoId: string, input: TaskCreate, actor: Actor): Promise<Task> {
    return this.store.tasks.create(repoId, input, actor);
  }

  /** Edits title, prompt, priority, labels, dependencies (never the status: see move). */
  async edit(idOrPrefix: string, patch: TaskPatch, actor: Actor): Promise<Task> {
    const task = await this.store.tasks.resolve(idOrPrefix);
    return this.store.tasks.update(task.id, patch, actor);
  }

  /**
   * Moves a task to `status`, if the table lets `actor` make that move (FORBIDDEN otherwise);
   * moving to the status it has is a no-op, as it always was. `message` (an agent's review
   * summary) is kept in the `task.moved` event.
   */
  async move(idOrPrefix: string, status: TaskStatus, actor: Actor, message?: string): Promise<Task> {
    const task = await this.store.tasks.resolve(idOrPrefix);
    // An unknown status is the store's INVALID_STATUS (it lists the valid ones), not a refusal.
    if ((TASK_STATUSES as readonly string[]).includes(status)) {
      const refusal = taskMoveRefusal(task.status, status, actor);
      if (refusal !== null) {
        throw new FlotillaError('FORBIDDEN', `task ${task.id}: ${refusal}`, {
          hint: 'a person or an API client may move a task to any status: flotilla task move <task> <status>',
        });
      }
    }
    return this.store.tasks.move(task.id, status, actor, message);
  }

  /** Makes a task depend on another (idempotent; cycles are refused). */
  addDependency(idOrPrefix: string, dependency: string, actor: Actor): Promise<Task> {
    return this.edit(idOrPrefix, { addDependsOn: [dependency] }, actor);
  }

  /** Drops one dependency of a task. */
  removeDependency(idOrPrefix: string, dependency: string, actor: Actor): Promise<Task> {
    return this.edit(idOrPrefix, { removeDependsOn: [dependency] }, actor);
  }

  /**
   * Deletes a task (force: even if other tasks depend on it); refused while an agent works on it
   * or its worktree exists. Answers the task as it was.
   */
  async remove(idOrPrefix: string, options: { force?: boolean }, actor: Actor): Promise<Task> {
    const task = await this.store.tasks.resolve(idOrPrefix);
    await this.store.tasks.remove(task.id, actor, { force: options.force ?? false });
    return task;
  }
}
