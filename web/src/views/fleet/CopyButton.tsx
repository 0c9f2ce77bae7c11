/**
 * Copies a command to the clipboard and says so. The Clipboard API exists only in secure
 * contexts (https, or localhost), and a dashboard reached over plain http on a LAN address has
 * none: then the command appears selected in a read-only box, ready for Ctrl+C.
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
    return false;
  }
}

/**
 * `label` is the button's accessible name ("Copy attach command"); `children` its visible text,
 * which should be part of that name (WCAG 2.5.3).
 */
export function CopyButton({
  text,
  label,
  title,
  children,
  className,
}: {
  text: string;
  label: string;
  title?: string;
  children: ReactNode;
  className?: string;
}) {
  const [state, setState] = useState<State>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
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
    // The only timer a card ever runs, and only for two seconds after a click.
    timer.current = setTimeout(() => setState('idle'), FEEDBACK_MS);
  };

  return (
    <span className={`copy ${className ?? ''}`}>
      <button type="button" aria-label={label} title={title ?? text} onClick={copy}>
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
                if (e.key === 'Escape') setState('idle');
              }}
            />
          </label>
          <button
            type="button"
            className="icon-button"
            aria-label="Hide the command"
            onClick={() => setState('idle')}
          >
            ×
          </button>
        </span>
      )}
    </span>
  );
}
