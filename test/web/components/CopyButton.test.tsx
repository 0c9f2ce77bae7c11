import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CopyButton } from '../../../web/src/components/CopyButton.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function setClipboard(clipboard: unknown) {
  Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
}

const PATH = '/home/u/.local/share/flotilla/worktrees/abc234';

describe('CopyButton', () => {
  it('is named by its label, shows "Copy", and announces Copied for two seconds', async () => {
    const writeText = vi.fn(async (_: string) => {});
    setClipboard({ writeText });
    render(<CopyButton text={PATH} label="Copy worktree path" compact />);
    const button = screen.getByRole('button', { name: 'Copy worktree path' });
    expect(button.textContent).toBe('Copy');
    expect(button.getAttribute('title'), 'hovering shows what will be copied').toBe(PATH);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('');

    await userEvent.click(button);
    expect(writeText).toHaveBeenCalledWith(PATH);
    await waitFor(() => expect(status.textContent).toBe('Copied'));
    // The same live region says it, so a screen reader hears the change.
    expect(screen.getByRole('status')).toBe(status);
    await waitFor(() => expect(status.textContent).toBe(''), { timeout: 3_000 });
  });

  it('when the browser refuses the clipboard, selects the text in a read-only box; Escape gives focus back', async () => {
    setClipboard({ writeText: vi.fn(async () => Promise.reject(new Error('denied'))) });
    render(<CopyButton text={PATH} label="Copy worktree path" />);
    const button = screen.getByRole('button', { name: 'Copy worktree path' });
    await userEvent.click(button);
    const box = (await screen.findByRole('textbox', { name: /to copy/ })) as HTMLInputElement;
    expect(box.readOnly).toBe(true);
    expect(box.value).toBe(PATH);
    expect(document.activeElement).toBe(box);
    expect(box.selectionEnd).toBe(PATH.length);
    expect(screen.getByRole('status').textContent, 'nothing was copied: no "Copied"').toBe('');

    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('the close button hides the box too, and focus returns to the copy button', async () => {
    setClipboard(undefined);
    render(<CopyButton text="flotilla attach abc234" label="Copy attach command" />);
    const button = screen.getByRole('button', { name: 'Copy attach command' });
    await userEvent.click(button);
    await userEvent.click(await screen.findByRole('button', { name: 'Hide the text to copy' }));
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(document.activeElement).toBe(button);
  });
});
