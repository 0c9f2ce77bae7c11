import type { AgentStatus } from '../../domain/agent.js';
import { age, type Style, table, visibleLength } from '../output.js';
import { statusText } from './agents.js';

/**
 * The demo's live status: on a terminal a small table redrawn in place; elsewhere (a pipe, a
 * CI log) one appended line per change, so the output stays readable as a file.
 */

/** One agent as the demo shows it. */
export interface DemoRow {
  agentId: string;
  status: AgentStatus;
  statusSince: string;
  title: string;
  branch: string;
  /** The latest hook the agent fired, summarised ("PreToolUse Bash: git add -A …"). */
  detail: string;
  /** Its branch holds the expected commit. */
  committed: boolean;
}

const clear = (n: number) => (n > 0 ? `\u001b[${n}A\r\u001b[J` : '\r\u001b[J');

function fitWidth(line: string, columns: number): string {
  if (visibleLength(line) <= columns) return line;
  // Colour codes sit only in the status column, well before any cut.
  let out = '';
  for (const ch of line) {
    if (visibleLength(out + ch) >= columns) break;
    out += ch;
  }
  return `${out}…\u001b[0m`;
}

export class DemoView {
  private drawn = 0;
  private readonly last = new Map<string, string>();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly style: Style,
    private readonly live: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Shows the current rows: a redraw on a terminal, changed rows only otherwise. */
  update(rows: readonly DemoRow[]): void {
    if (this.live) this.redraw(rows);
    else this.append(rows);
  }

  private redraw(rows: readonly DemoRow[]): void {
    const text = table(
      rows,
      [
        { header: 'AGENT', value: (r) => r.agentId },
        { header: 'STATUS', value: (r) => statusText(this.style, r.status) },
        { header: 'FOR', value: (r) => age(r.statusSince, this.now()), align: 'right' },
        { header: 'TASK', value: (r) => r.title, max: 28 },
        { header: 'BRANCH', value: (r) => r.branch, max: 42 },
        { header: 'COMMIT', value: (r) => (r.committed ? '✓' : '·') },
        { header: 'LAST HOOK', value: (r) => r.detail || '-', max: 60 },
      ],
      this.style,
    );
    const columns = Math.max(40, this.out.columns || 120);
    const lines = text.split('\n').map((l) => fitWidth(l, columns));
    this.out.write(`${clear(this.drawn)}${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  private append(rows: readonly DemoRow[]): void {
    for (const r of rows) {
      const line = `${r.agentId}  ${r.status.padEnd(16)} ${r.committed ? 'committed' : '-'.padEnd(9)}  ${r.title} · ${r.detail || '-'}`;
      if (this.last.get(r.agentId) === line) continue;
      this.last.set(r.agentId, line);
      this.out.write(`${new Date(this.now()).toISOString().slice(11, 19)} ${line}\n`);
    }
  }
}
