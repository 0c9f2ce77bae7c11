import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Task, TaskCreateBody } from '../../../web/src/api/types.js';
import { type Call, refusal, repo, task } from '../fixtures.js';
import { card, renderBoard } from './harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const writes = (calls: Call[]) => calls.filter((c) => c.method !== 'GET');

async function openCreate(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'New task' }));
  return within(await screen.findByRole('dialog', { name: 'New task' }));
}

describe('create dialog', () => {
  it('shows a bad label inline and sends nothing', async () => {
    const user = userEvent.setup();
    const { calls } = renderBoard({ tasks: [task({ id: 'one234' })] });
    const d = await openCreate(user);
    await user.type(d.getByRole('textbox', { name: 'Title' }), 'Add dark mode');
    const labels = d.getByRole('textbox', { name: 'Labels' });
    await user.type(labels, 'ui, needs!review');
    // Told before sending, next to the field.
    expect(labels.getAttribute('aria-invalid')).toBe('true');
    const problem = d.getByText(/“needs!review”: a label is letters, digits/);
    expect(labels.getAttribute('aria-describedby')).toContain(problem.closest('ul')?.id ?? 'none');
    await user.click(d.getByRole('button', { name: 'Create task' }));
    expect(writes(calls)).toEqual([]);
  });

  it('an empty title is refused before sending', async () => {
    const user = userEvent.setup();
    const { calls } = renderBoard({ tasks: [task({ id: 'one234' })] });
    const d = await openCreate(user);
    await user.click(d.getByRole('button', { name: 'Create task' }));
    expect(d.getByText('A task needs a title.')).toBeTruthy();
    expect(d.getByRole('textbox', { name: 'Title' }).getAttribute('aria-invalid')).toBe('true');
    expect(writes(calls)).toEqual([]);
  });

  it('sends a good task to the chosen repo with labels and dependencies, and the board shows it', async () => {
    const user = userEvent.setup();
    const { calls } = renderBoard(
      {
        tasks: [
          task({ id: 'sch234', title: 'Add the schema' }),
          task({ id: 'api234', title: 'Write the API' }),
        ],
        repos: [repo(), repo({ id: 'rep567', name: 'docs' })],
      },
      {
        'POST /tasks': (call) => {
          const { repoId, ...rest } = call.body as TaskCreateBody;
          const created: Task = task({ ...rest, id: 'new234', repoId, labels: rest.labels ?? [] } as Task);
          return { status: 201, body: created };
        },
      },
    );
    const d = await openCreate(user);
    await user.type(d.getByRole('textbox', { name: 'Title' }), '  Add dark mode ');
    await user.type(d.getByRole('textbox', { name: 'Prompt' }), 'Use the theme variables.');
    await user.selectOptions(d.getByRole('combobox', { name: 'Priority' }), 'high');
    await user.selectOptions(d.getByRole('combobox', { name: 'Repository' }), 'rep567');
    await user.type(d.getByRole('textbox', { name: 'Labels' }), 'ui area/web,ui');
    await user.type(d.getByRole('searchbox', { name: 'Search tasks to depend on' }), 'schema');
    await waitFor(() => expect(d.queryByRole('checkbox', { name: /Write the API/ })).toBeNull());
    await user.click(d.getByRole('checkbox', { name: /Add the schema/ }));
    await user.click(d.getByRole('button', { name: 'Create task' }));
    await waitFor(() => expect(writes(calls)).toHaveLength(1));
    expect(writes(calls)[0]).toEqual({
      method: 'POST',
      path: '/tasks',
      body: {
        repoId: 'rep567',
        title: 'Add dark mode',
        prompt: 'Use the theme variables.',
        priority: 'high',
        labels: ['ui', 'area/web'],
        dependsOn: ['sch234'],
      },
    });
    const el = await card('new234');
    expect(el.dataset.status).toBe('todo');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows the daemon’s validation refusal next to the form and keeps what was typed', async () => {
    const user = userEvent.setup();
    renderBoard(
      { tasks: [task({ id: 'one234' })] },
      {
        'POST /tasks': refusal(
          400,
          'INVALID_INPUT',
          'invalid request body: prompt: a prompt is at most 100 KiB',
          'point to a file for more',
        ),
      },
    );
    const d = await openCreate(user);
    await user.type(d.getByRole('textbox', { name: 'Title' }), 'Huge');
    await user.click(d.getByRole('button', { name: 'Create task' }));
    const alert = await d.findByRole('alert');
    expect(alert.textContent).toContain('invalid request body: prompt: a prompt is at most 100 KiB');
    expect((d.getByRole('textbox', { name: 'Title' }) as HTMLInputElement).value).toBe('Huge');
  });
});

describe('edit dialog', () => {
  const original = () =>
    task({
      id: 'fix234',
      title: 'Fix login',
      prompt: 'The redirect loops.',
      priority: 'normal',
      labels: ['auth', 'bug'],
      dependsOn: ['sch234'],
    });

  async function openEdit(user: ReturnType<typeof userEvent.setup>) {
    await user.click(within(await card('fix234')).getByRole('button', { name: 'Edit Fix login' }));
    return within(await screen.findByRole('dialog', { name: 'Edit task “Fix login”' }));
  }

  it('sends only the fields that changed, dependencies as a replacement', async () => {
    const user = userEvent.setup();
    const { calls } = renderBoard(
      {
        tasks: [
          original(),
          task({ id: 'sch234', title: 'Add the schema' }),
          task({ id: 'api234', title: 'API' }),
        ],
      },
      { 'PATCH /tasks/fix234': (call) => ({ body: { ...original(), ...(call.body as object) } }) },
    );
    const d = await openEdit(user);
    expect((d.getByRole('textbox', { name: 'Labels' }) as HTMLInputElement).value).toBe('auth, bug');
    // The same labels in another order are no change.
    const labels = d.getByRole('textbox', { name: 'Labels' });
    await user.clear(labels);
    await user.type(labels, 'bug auth');
    await user.selectOptions(d.getByRole('combobox', { name: 'Priority' }), 'urgent');
    await user.click(d.getByRole('checkbox', { name: /API/ }));
    // It cannot depend on itself.
    expect(d.queryByRole('checkbox', { name: /Fix login/ })).toBeNull();
    await user.click(d.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(writes(calls)).toHaveLength(1));
    expect(writes(calls)[0]).toEqual({
      method: 'PATCH',
      path: '/tasks/fix234',
      body: { priority: 'urgent', dependsOn: ['sch234', 'api234'] },
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('with nothing changed, says so and sends nothing', async () => {
    const user = userEvent.setup();
    const { calls } = renderBoard({ tasks: [original(), task({ id: 'sch234' })] });
    const d = await openEdit(user);
    await user.click(d.getByRole('button', { name: 'Save' }));
    expect(d.getByText('Nothing changed.')).toBeTruthy();
    expect(writes(calls)).toEqual([]);
  });

  it('deletes after a confirmation, and shows a refusal', async () => {
    const user = userEvent.setup();
    let refuse = true;
    const { calls } = renderBoard(
      { tasks: [original(), task({ id: 'sch234' })] },
      {
        'DELETE /tasks/fix234': () =>
          refuse
            ? refusal(409, 'CONFLICT', 'task fix234 cannot be deleted: agent agt567 is working on it')
            : { body: original() },
      },
    );
    const d = await openEdit(user);
    await user.click(d.getByRole('button', { name: 'Delete task' }));
    expect(writes(calls)).toEqual([]);
    expect(document.activeElement).toBe(d.getByRole('button', { name: 'Keep it' }));
    await user.click(d.getByRole('button', { name: 'Yes, delete' }));
    expect((await d.findByRole('alert')).textContent).toContain('agent agt567 is working on it');
    refuse = false;
    await user.click(d.getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(writes(calls).map((c) => `${c.method} ${c.path}`)).toEqual([
      'DELETE /tasks/fix234',
      'DELETE /tasks/fix234',
    ]);
  });
});
