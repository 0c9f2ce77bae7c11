/**
 * Turns raw terminal input (what xterm.js sends: text, control bytes, escape sequences) into
 * tmux calls: printable runs go through `send-keys -l` (literal, nothing interpreted), and
 * control characters and the common escape sequences become tmux key names, because a literal
 * send of a control byte is not reliably seen as that key by the program in the pane.
 */

/** One step: literal text, or one named key. */
export type TmuxInput = { text: string } | { key: string };

const SEQUENCES: Record<string, string> = {
  '\x1b[A': 'Up',
  '\x1b[B': 'Down',
  '\x1b[C': 'Right',
  '\x1b[D': 'Left',
  '\x1b[H': 'Home',
  '\x1b[F': 'End',
  '\x1bOA': 'Up',
  '\x1bOB': 'Down',
  '\x1bOC': 'Right',
  '\x1bOD': 'Left',
  '\x1b[2~': 'IC',
  '\x1b[3~': 'DC',
  '\x1b[5~': 'PPage',
  '\x1b[6~': 'NPage',
  '\x1b[Z': 'BTab',
};

const SINGLE: Record<string, string> = {
  '\r': 'Enter',
  '\n': 'Enter',
  '\t': 'Tab',
  '\x7f': 'BSpace',
  '\b': 'BSpace',
  '\x1b': 'Escape',
};

export function toTmuxInput(data: string): TmuxInput[] {
  const out: TmuxInput[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ text });
    text = '';
  };
  for (let i = 0; i < data.length; ) {
    const ch = data[i] as string;
    if (ch === '\x1b') {
      const seq = Object.keys(SEQUENCES).find((s) => data.startsWith(s, i));
      if (seq) {
        flush();
        out.push({ key: SEQUENCES[seq] as string });
        i += seq.length;
        continue;
      }
    }
    const code = ch.charCodeAt(0);
    const single = SINGLE[ch];
    if (single) {
      flush();
      out.push({ key: single });
    } else if (code < 0x20) {
      flush();
      // 0x01..0x1a are Ctrl-A..Ctrl-Z, 0x1c..0x1f Ctrl-\ ] ^ _ : tmux names them by the caret letter.
      out.push({ key: `C-${String.fromCharCode(code + 0x40).toLowerCase()}` });
    } else {
      text += ch;
    }
    i += 1;
  }
  flush();
  return out;
}
