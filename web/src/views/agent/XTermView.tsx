/**
 * The live terminal itself: xterm.js fed by the stream's terminal channel. Its own module, only
 * ever loaded through lazy() from TerminalPanel, so xterm stays out of every other chunk.
 * The DOM renderer (xterm's default) is kept on purpose: no canvas/webgl, and tests can read
 * the rows as text.
 */
import { FitAddon } from '@xterm/addon-fit';
import { type IDisposable, Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { useStream } from '../../stream/context.js';
import { terminalColours, watchTheme } from './terminalTheme.js';

/** capture-pane separates lines with bare \n; a terminal needs \r\n to return to column 0. */
function screenText(data: string): string {
  return data.replace(/\r?\n$/, '').replace(/\r?\n/g, '\r\n');
}

export default function XTermView({ agentId, input }: { agentId: string; input: boolean }) {
  const container = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const stream = useStream();

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const mono = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim();
    const term = new Terminal({
      disableStdin: true,
      convertEol: false,
      cursorBlink: false,
      scrollback: 5_000,
      fontSize: 13,
      fontFamily: mono || 'monospace',
      theme: terminalColours(),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    termRef.current = term;
    const refit = () => {
      // Fitting throws or yields 0×0 while the panel has no size (hidden, not laid out yet).
      try {
        if (el.clientWidth > 0 && el.clientHeight > 0) fit.fit();
      } catch {}
    };
    refit();
    const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(refit) : null;
    resize?.observe(el);
    const offTheme = watchTheme(() => {
      term.options.theme = terminalColours();
    });
    const offFrame = stream.onFrame((frame) => {
      if (frame.type === 'terminal.screen' && frame.agentId === agentId) {
        // A screen is the whole pane as it is now: start from a blank terminal, not on top.
        // The reset goes in-band (RIS) because write() is asynchronous and reset() is not.
        term.write(`\x1bc${screenText(frame.data)}`);
      } else if (frame.type === 'terminal.output' && frame.agentId === agentId) {
        term.write(frame.data);
      }
    });
    stream.openTerminal(agentId);
    return () => {
      offFrame();
      stream.closeTerminal(agentId);
      offTheme();
      resize?.disconnect();
      termRef.current = null;
      term.dispose();
    };
  }, [agentId, stream]);

  // Input is switched on its own so a late config answer does not reopen the terminal.
  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    term.options.disableStdin = !input;
    let sub: IDisposable | null = null;
    if (input) sub = term.onData((d) => stream.terminalInput(agentId, d));
    return () => sub?.dispose();
  }, [agentId, input, stream]);

  return <div ref={container} className="xterm-host" data-testid="xterm-host" />;
}
