/**
 * Copies a value (a command, a path, an id) to the clipboard and says so, for sighted users and
 * screen readers alike: a silent copy cannot be told from a failed one. The Clipboard API exists
 * only in secure contexts (https, or localhost), and a dashboard reached over plain http on a LAN
 * address has none; then the value appears selected in a read-only box, ready for Ctrl+C, rather
 * than a "copy failed" that leaves the user to find and select it themselves.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';
import './CopyButton.css';

type State = 'idle' | 'copied' | 'manual';

const FEEDBACK_MS = 2_000;

async function writeClipboard(text: string): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.clipboard?.writeText) return false;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Denied (no permission, document not focused): the manual box still gets the value across.
    return false;
  }
}

/**
 * `label` is the button's accessible name ("Copy attach command"); `children` its visible text
 * ("Copy" unless given), which must be part of that name (WCAG 2.5.3, label in name). `title`
 * defaults to the value itself, so hovering shows what will be copied. `compact` suits a button
 * beside each value of a list.
 */
export function CopyButton({
  text,
  label,
  title,
  children = 'Copy',
  compact = false,
}: {
  text: string;
  label: string;
  title?: string;
  children?: ReactNode;
  compact?: boolean;
}) {
  const [state, setState] = useState<State>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useEffect(() => {
    if (state !== 'manual') return;
    input.current?.focus();
    input.current?.select();
  }, [state]);

  const copy = async () => {
    const ok = await writeClipboard(text);
    if (timer.current) clearTimeout(timer.current);
    if (!ok) {
      setState('manual');
      return;
    }
    setState('copied');
    // The only timer this runs, and only for two seconds after a click.
    timer.current = setTimeout(() => setState('idle'), FEEDBACK_MS);
  };
  // Focus goes back where it came from, not to the top of the page with the box it was in.
  const hide = () => {
    setState('idle');
    button.current?.focus();
  };

  return (
    <span className={compact ? 'copy copy-compact' : 'copy'}>
      <button
        ref={button}
        type="button"
        className="copy-button"
        aria-label={label}
        title={title ?? text}
        onClick={copy}
      >
        {children}
      </button>
      <span className="copy-status" role="status">
        {state === 'copied' ? 'Copied' : ''}
      </span>
      {state === 'manual' && (
        <span className="copy-manual">
          <label>
            <span className="muted">Press Ctrl+C (⌘C) to copy:</span>
            <input
              ref={input}
              className="mono"
              readOnly
              value={text}
              onFocus={(e) => e.currentTarget.select()}
              onKeyDown={(e) => {
                if (e.key === 'Escape') hide();
              }}
            />
          </label>
          <button type="button" className="icon-button" aria-label="Hide the text to copy" onClick={hide}>
            ×
          </button>
        </span>
      )}
    </span>
  );
}
