import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { agentView, renderWithQuery, repo, stubApi } from '../fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function setClipboard(clipboard: unknown) {
  Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
}

describe('Copy attach command', () => {
  it('copies `flotilla attach <id>`, names the tmux command underneath, and says Copied', async () => {
    const writeText = vi.fn(async (_: string) => {});
    setClipboard({ writeText });
    stubApi({
      'GET /agents': { body: { agents: [agentView()] } },
      'GET /repos': { body: { repos: [repo()] } },
    });
    renderWithQuery(<FleetView />);
    const card = await screen.findByTestId('agent-card');
    const button = within(card).getByRole('button', { name: 'Copy attach command' });
    expect(button.getAttribute('title')).toContain('tmux -L flotilla attach -t =flotilla-abc234');
    await userEvent.click(button);
    expect(writeText).toHaveBeenCalledWith('flotilla attach abc234');
    await waitFor(() => expect(within(card).getByRole('status').textContent).toBe('Copied'));
  });

  it('without a clipboard, shows the command selected in a read-only box', async () => {
    setClipboard(undefined);
    stubApi({
      'GET /agents': { body: { agents: [agentView()] } },
      'GET /repos': { body: { repos: [repo()] } },
    });
    renderWithQuery(<FleetView />);
    const card = await screen.findByTestId('agent-card');
    await userEvent.click(within(card).getByRole('button', { name: 'Copy attach command' }));
    const box = (await within(card).findByRole('textbox', { name: /to copy/ })) as HTMLInputElement;
    expect(box.readOnly).toBe(true);
    expect(box.value).toBe('flotilla attach abc234');
    expect(document.activeElement).toBe(box);
    expect(box.selectionStart).toBe(0);
    expect(box.selectionEnd).toBe(box.value.length);
    expect(within(card).getByRole('status').textContent).toBe('');
  });
});
