import type { Repo, Task } from '../../api/types.js';
import { Dialog } from '../../components/Dialog.js';
import { TaskForm } from './TaskForm.js';

/** Which dialog the board has open, if any. */
export type TaskDialogState = { kind: 'create' } | { kind: 'edit'; taskId: string } | null;

/** The create and edit dialogs (one native <dialog>; the form inside is keyed per task). */
export function TaskDialog({
  state,
  tasks,
  repos,
  onClose,
}: {
  state: TaskDialogState;
  tasks: readonly Task[];
  repos: readonly Repo[];
  onClose: () => void;
}) {
  const task = state?.kind === 'edit' ? tasks.find((t) => t.id === state.taskId) : undefined;
  const title = state?.kind === 'edit' ? `Edit task ${task ? `“${task.title}”` : state.taskId}` : 'New task';
  return (
    <Dialog open={state !== null} title={title} onClose={onClose}>
      {state?.kind === 'create' && <TaskForm key="create" tasks={tasks} repos={repos} onDone={onClose} />}
      {state?.kind === 'edit' &&
        (task ? (
          <TaskForm key={task.id} task={task} tasks={tasks} repos={repos} onDone={onClose} />
        ) : (
          <p role="alert">This task no longer exists; it may have been deleted elsewhere.</p>
        ))}
    </Dialog>
  );
}
