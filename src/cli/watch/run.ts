/**
 * `flotilla ps --watch` / `flotilla top`: the fleet, live. The daemon's event stream says when
 * something changed (no polling); the agent list is then re-read through the API, so the view
 * shows exactly what `ps` would. On a terminal it is a full-screen view with single keys; without
 * one (a pipe, a log file, CI) it prints one line per change instead, so it still works in a
 * script and never sends cursor controls into a file.
 */
import type { AgentView } from '../../domain/agent-view.js';
import { FlotillaError } from '../../domain/errors.js';
import { agentNote } from '../agent-notes.js';
import type { FlotillaClient } from '../client.js';
import type { CliContext } from '../context.js';
import { AgentEventStream, type StreamConnection } from './stream.js';
import { cleanText, renderWatch, WAITING_STATUSES, watchOrder } from './view.js';

export interface WatchOptions {
  /** Ring the terminal bell when an agent starts waiting for the user. */
  bell: boolean;
  /** Desktop notification (notify-send) when an agent starts waiting for the user. */
  notify: boolean;
}

/** How the watch reaches the daemon and the things it runs (injected so the loop stays small). */
export interface WatchDeps {
  client: FlotillaClient;
  conn: StreamConnection;
  /** Sends a desktop notification; null when notify-send is not installed. */
  notify: ((title: string, body: string) => void) | null;
  /** Hands the terminal to `tmux attach` for this agent; returns its exit status. */
  attach: (agent: AgentView) => number;
}

const isWaiting = (a: AgentView) => WAITING_STATUSES.includes(a.status);

/** Runs until the user quits (or, without a terminal, until SIGINT/SIGTERM). */
export async function runWatch(ctx: CliContext, opts: WatchOptions, deps: WatchDeps): Promise<void> {
  const interactive = Boolean(process.stdout.isTTY && process.stdin.isTTY);
  if (opts.notify && deps.notify === null)
    ctx.info(
      '--notify: notify-send is not installed (Debian/Ubuntu: apt-get install libnotify-bin); only the view will tell you',
    );

  let agents: AgentView[] = [];
  let known = false;
  let selectedId: string | null = null;
  let message: string | null = null;
  let connected = true;
  let busy = false;
  // Until the user moves it, the selection follows the top row: the agent that waits longest.
  let userSelected = false;

  /** Tells the user an agent started waiting: bell, desktop notification. */
  const announce = (a: AgentView) => {
    if (opts.bell) process.stdout.write('\u0007');
    if (opts.notify && deps.notify) deps.notify(`Flotilla: ${a.id} ${a.status}`, cleanText(agentNote(a)));
  };

  const printChange = (a: AgentView) => {
    const time = new Date().toTimeString().slice(0, 8);
    ctx.out(`${time} ${a.id} ${a.status}  ${cleanText(agentNote(a))}`);
  };

  // Set when the user quits: a re-read or an answer still in flight must not draw a frame on the
  // shell's screen after the watch left its alternate screen.
  let done = false;
  const render = () => {
    if (!interactive || done) return;
    const lines = renderWatch({
      agents,
      selectedId,
      message,
      connected,
      width: process.stdout.columns || 80,
      height: process.stdout.rows || 24,
      style: ctx.style,
    });
    process.stdout.write(`\u001b[H${lines.join('\u001b[K\r\n')}\u001b[K\u001b[J`);
  };

  /** Re-reads the list; announces agents that started waiting since the last read. */
  const refresh = async () => {
    let next: AgentView[];
    try {
      next = (await deps.client.listAgents(false)).agents;
    } catch (err) {
      message = `cannot read the agents: ${(err as Error).message}`;
      render();
      return;
    }
    const before = new Map(agents.map((a) => [a.id, a]));
    for (const a of next) {
      const prev = before.get(a.id);
      if (known && isWaiting(a) && (!prev || !isWaiting(prev))) announce(a);
      if (!interactive && (!known || prev?.status !== a.status)) printChange(a);
    }
    if (!interactive && known)
      for (const prev of agents) if (!next.some((a) => a.id === prev.id)) ctx.out(`${prev.id} removed`);
    agents = next;
    known = true;
    const ordered = watchOrder(agents);
    if (!userSelected || !ordered.some((a) => a.id === selectedId)) selectedId = ordered[0]?.id ?? null;
    render();
  };

  let pending: NodeJS.Timeout | undefined;
  // A burst of events (one status change is several) becomes one re-read.
  const scheduleRefresh = () => {
    if (done) return;
    clearTimeout(pending);
    pending = setTimeout(() => void refresh(), 50);
  };

  // Into the alternate screen before the first frame, so quitting leaves the shell as it was.
  if (interactive) process.stdout.write('\u001b[?1049h\u001b[?25l');
  await refresh();
  if (!interactive && agents.length === 0)
    ctx.info('No agents yet; printing changes as they come (Ctrl-C to stop).');
  const stream = new AgentEventStream(deps.conn, {
    onEvent: scheduleRefresh,
    onConnected: () => {
      connected = true;
      scheduleRefresh();
    },
    onDisconnected: (reason) => {
      if (!interactive && connected) ctx.info(`lost the daemon's event stream (${reason}); reconnecting…`);
      connected = false;
      render();
    },
  });

  await new Promise<void>((resolve) => {
    const ticker = setInterval(render, 1000);
    const finish = (after?: () => void) => {
      done = true;
      clearInterval(ticker);
      clearTimeout(pending);
      stream.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (interactive) {
        process.stdin.off('data', onKey);
        process.stdout.off('resize', render);
        process.stdin.setRawMode(false);
        process.stdin.pause();
        process.stdout.write('\u001b[?25h\u001b[?1049l');
      }
      after?.();
      resolve();
    };
    const onSignal = () => finish();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (!interactive) return;

    const act = async (verb: 'approve' | 'deny', a: AgentView) => {
      busy = true;
      message = `${verb === 'approve' ? 'approving' : 'denying'} ${a.id}…`;
      render();
      try {
        const answered = await deps.client.answer(a.id, { decision: verb });
        message = `${verb === 'approve' ? 'approved' : 'denied'} ${a.id} ("${answered.answered}")`;
      } catch (err) {
        const hint = err instanceof FlotillaError && err.hint ? ` — ${err.hint}` : '';
        message = `${verb} ${a.id}: ${(err as Error).message}${hint}`;
      }
      busy = false;
      scheduleRefresh();
    };
    const move = (by: number) => {
      const ordered = watchOrder(agents);
      const at = ordered.findIndex((a) => a.id === selectedId);
      const next = ordered[Math.max(0, Math.min(ordered.length - 1, at + by))];
      if (next) selectedId = next.id;
      userSelected = true;
      render();
    };
    const onKey = (data: Buffer) => {
      const key = data.toString('utf8');
      const selected = agents.find((a) => a.id === selectedId) ?? null;
      if (key === 'q' || key === '\u0003' || key === '\u0004') return finish();
      if (key === '\u001b[A' || key === 'k') return move(-1);
      if (key === '\u001b[B' || key === 'j') return move(1);
      if (!selected) return;
      if (key === 'a' || key === '\r') {
        return finish(() => {
          ctx.info(`attaching to ${selected.id}; detach with Ctrl-b d — the agent keeps running`);
          ctx.exitCode = deps.attach(selected);
        });
      }
      if ((key === 'y' || key === 'n') && !busy) {
        if (selected.status !== 'needs_permission') {
          message = `${selected.id} is ${selected.status}: no permission dialog to answer`;
          return render();
        }
        void act(key === 'y' ? 'approve' : 'deny', selected);
      }
    };
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on('data', onKey);
    process.stdout.on('resize', render);
    render();
  });
}
