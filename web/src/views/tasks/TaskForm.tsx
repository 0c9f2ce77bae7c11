import { type FormEvent, useId, useState } from 'react';
import { TASK_PRIORITIES } from '../../../../src/domain/values.js';
import { useCreateTask, useUpdateTask } from '../../api/queries.js';
import type { Repo, Task, TaskPatch, TaskPriority } from '../../api/types.js';
import { InlineError } from '../../components/ErrorState.js';
import { DeleteTask } from './DeleteTask.js';
import { DependencyPicker } from './DependencyPicker.js';
import { labelProblems, parseLabels, sameSet } from './labels.js';

const TITLE_MAX = 200;

/**
 * Creates a task, or edits one (`task` given). Checks what it can before sending (title,
 * labels) and shows the daemon's own refusal otherwise. An edit sends only the fields the user
 * changed, compared with the task as the dialog opened, so a concurrent change to another field
 * (by the CLI, an agent, another tab) is not overwritten with stale values.
 */
export function TaskForm({
  task,
  tasks,
  repos,
  onDone,
}: {
  task?: Task;
  tasks: readonly Task[];
  repos: readonly Repo[];
  onDone: () => void;
}) {
  const id = useId();
  const [initial] = useState(task);
  const [title, setTitle] = useState(task?.title ?? '');
  const [prompt, setPrompt] = useState(task?.prompt ?? '');
  const [priority, setPriority] = useState<TaskPriority>(task?.priority ?? 'normal');
  const [labelText, setLabelText] = useState(task?.labels.join(', ') ?? '');
  const [dependsOn, setDependsOn] = useState<string[]>(task?.dependsOn ?? []);
  const [repoId, setRepoId] = useState(repos[0]?.id ?? '');
  const [tried, setTried] = useState(false);
  const [unchanged, setUnchanged] = useState(false);
  const create = useCreateTask();
  const update = useUpdateTask();
  const saving = create.isPending || update.isPending;

  const labels = parseLabels(labelText);
  const labelErrors = labelProblems(labels);
  const titleError =
    title.trim() === ''
      ? 'A task needs a title.'
      : title.trim().length > TITLE_MAX
        ? `A title is at most ${TITLE_MAX} characters.`
        : null;
  // Labels are checked as they are typed (the user is told before sending); the empty title
  // only after a first try, so a fresh dialog does not open in red.
  const showTitleError = tried && titleError !== null;
  const noRepo = !initial && repos.length === 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setUnchanged(false);
    if (titleError || labelErrors.length > 0 || noRepo) return;
    if (!initial) {
      create.mutate(
        {
          repoId,
          title: title.trim(),
          ...(prompt !== '' ? { prompt } : {}),
          priority,
          labels,
          dependsOn,
        },
        { onSuccess: onDone },
      );
      return;
    }
    const patch: TaskPatch = {};
    if (title.trim() !== initial.title) patch.title = title.trim();
    if (prompt !== initial.prompt) patch.prompt = prompt;
    if (priority !== initial.priority) patch.priority = priority;
    if (!sameSet(labels, initial.labels)) patch.labels = labels;
    if (!sameSet(dependsOn, initial.dependsOn)) patch.dependsOn = dependsOn;
    if (Object.keys(patch).length === 0) {
      setUnchanged(true);
      return;
    }
    update.mutate({ id: initial.id, patch }, { onSuccess: onDone });
  };

  return (
    <form className="task-form" onSubmit={submit} noValidate aria-describedby={`${id}-server`}>
      {noRepo && (
        <p className="notice" role="alert">
          No repository is registered yet. Run <code>flotilla init</code> in a git repository, then create
          tasks here.
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          value={title}
          required
          aria-invalid={showTitleError}
          aria-describedby={showTitleError ? `${id}-title-error` : undefined}
          onChange={(e) => setTitle(e.target.value)}
        />
        {showTitleError && (
          <p className="field-error" id={`${id}-title-error`}>
            {titleError}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-prompt`}>Prompt</label>
        <textarea
          id={`${id}-prompt`}
          className="mono"
          rows={8}
          value={prompt}
          aria-describedby={`${id}-prompt-help`}
          onChange={(e) => setPrompt(e.target.value)}
        />
        <p className="muted field-help" id={`${id}-prompt-help`}>
          What the agent is asked to do. Empty: the title is the prompt.
        </p>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-priority`}>Priority</label>
          <select
            id={`${id}-priority`}
            value={priority}
            onChange={(e) => setPriority(e.target.value as TaskPriority)}
          >
            {TASK_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        {!initial && repos.length > 1 && (
          <div className="field">
            <label htmlFor={`${id}-repo`}>Repository</label>
            <select id={`${id}-repo`} value={repoId} onChange={(e) => setRepoId(e.target.value)}>
              {repos.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-labels`}>Labels</label>
        <input
          id={`${id}-labels`}
          value={labelText}
          placeholder="ui, backend, area/api"
          aria-invalid={labelErrors.length > 0}
          aria-describedby={`${id}-labels-help${labelErrors.length > 0 ? ` ${id}-labels-error` : ''}`}
          onChange={(e) => setLabelText(e.target.value)}
        />
        <p className="muted field-help" id={`${id}-labels-help`}>
          Separated by commas or spaces: letters, digits and . _ : / - only.
        </p>
        {labelErrors.length > 0 && (
          <ul className="field-error" id={`${id}-labels-error`}>
            {labelErrors.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </div>
      <DependencyPicker
        tasks={tasks}
        selfId={initial?.id ?? null}
        value={dependsOn}
        onChange={setDependsOn}
      />
      <div id={`${id}-server`}>
        <InlineError error={create.error ?? update.error} />
        {unchanged && (
          <p className="muted" role="status">
            Nothing changed.
          </p>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving || noRepo}>
          {initial ? (saving ? 'Saving…' : 'Save') : saving ? 'Creating…' : 'Create task'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {initial && (
          <span className="form-actions-end">
            <DeleteTask task={initial} onDeleted={onDone} />
          </span>
        )}
      </div>
    </form>
  );
}
