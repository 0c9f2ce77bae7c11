import type { StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import { adapterOf, type SupervisorContext } from './context.js';
import type { Lifecycle } from './lifecycle.js';
import { lastOutputLine } from './logs.js';
import type { AgentRuntime } from './runtime.js';

/**
 * Status from the screen. Captures happen only after tmux reported activity in the agent's
 * window (plus one more to confirm a change), never on a fixed fast rate. For agents without
 * hooks the screen is the status signal, debounced: a classification must be seen steadily
 * (two captures, a second apart). For hook agents the screen only confirms or dismisses what hooks cannot
 * tell in time (a permission dialog drawn without a hook, a dialog answered in an attached
 * terminal): hooks win. Debounced by the adapters' PaneDebouncer. First-run dialogs are answered and usage-limit messages detected for all.
 */

/** Hook agents: the screen is looked at no more often than this, once starting is over. */
const HOOK_AGENT_CAPTURE_MS = 2_000;
/** A TUI's own retry of a failed API request, as its spinner line says it. */
const RETRYING_RE = /Retrying in \d+\s*s/i;
/** Agents without hooks: alive this long after starting counts as running, output or not. */
const PANE_ONLY_RUNNING_MS = 3_000;
/** Hook agents: the screen overrides the status only after hooks were silent this long. */
const HOOK_QUIET_MS = 3_000;
/**
 * Hook agents shown `working`: the screen may end the turn after hooks were silent this long. A
 * long tool run keeps its spinner (still working); only a screen with no spinner counts.
 */
const HOOKS_SILENT_MS = 8_000;
/**
 * A first-run dialog gets no key until it has been on screen this long: Claude Code 2.1.332
 * draws its trust dialog, then redraws it ~150 ms later with the cursor back on "No, exit"
 * (measured), and a key sent in between is lost or lands on the wrong option.
 */
const FIRST_RUN_SETTLE_MS = 500;
/**
 * A hook agent still `starting` this long after its start, whose screen steadily asks for input,
 * is waiting on a question Flotilla does not answer (Claude Code's API key dialog: no hook fires
 * before it is answered). Claude Code submits the task's prompt ~1 s after start (measured).
 */
const STARTING_STUCK_MS = 5_000;

/** Looks at the screen if due; returns the number of captures made (0 or 1). */
export async function observePane(
  ctx: Pick<SupervisorContext, 'logger' | 'repoConfigs' | 'adapterFor' | 'tmux'>,
  lifecycle: Lifecycle,
  agent: Agent,
  rt: AgentRuntime,
  t: number,
): Promise<number> {
  const adapter = adapterOf(ctx, agent);
  const hooks = adapter.signals.hooks;
  const screenState = rt.screen;
  // A starting agent is looked at every tick: a first-run dialog drawn in the same second as the
  // last capture leaves tmux's activity clock (whole seconds) unchanged, and the agent would
  // wait on it forever (seen with 2.1.197 in the e2e tests, ~1 run in 4).
  // A hook agent shown working whose hooks went silent is looked at now and then, even with no
  // activity: after an Escape typed in an attached terminal the screen no longer changes.
  const silentLook =
    hooks &&
    agent.status === 'working' &&
    hooksSilent(rt, t) &&
    t - screenState.lastCaptureAt > HOOKS_SILENT_MS;
  // An agent read from its screen only, whose settled screen says other than its record, is
  // looked at until they agree: once the debouncer has reported a screen it stays quiet about
  // it, and a record written over that report in a race would otherwise stand for ever.
  const disagrees = !hooks && screenDisagrees(agent, screenState.debouncer.current);
  if (!screenState.captureDue && agent.status !== 'starting' && !silentLook && !disagrees) return 0;
  if (hooks && agent.status !== 'starting' && t - screenState.lastCaptureAt < HOOK_AGENT_CAPTURE_MS) return 0;
  const screen = await ctx.tmux.capturePane(agent.tmuxSession);
  // Kept for the dashboard's cards: computed once per capture, so listing agents costs nothing.
  screenState.captured(t, lastOutputLine(screen));

  const entry = ctx.repoConfigs.forQuietly(agent.repoId).agents[agent.adapter];
  if (agent.status === 'starting' && entry?.skip_first_run_dialogs !== false && adapter.firstRunKeys) {
    const keys = adapter.firstRunKeys(screen);
    if (keys && keys.length > 0) {
      if (screenState.firstRunShownFor(t) < FIRST_RUN_SETTLE_MS) {
        screenState.lookSoon();
        return 1;
      }
      ctx.logger.info({ agentId: agent.id, keys }, 'answering a first-run dialog');
      await ctx.tmux.sendKeys(agent.tmuxSession, keys);
      screenState.lookSoon();
      return 1;
    }
  }

  const resumeAt = rt.wakeups.resumeAt === null ? adapter.detectUsageLimit(screen, new Date(t)) : null;
  if (resumeAt && resumeAt.getTime() > t) {
    await lifecycle.applySignal(agent.id, { status: 'idle', source: 'pane', resumeAt });
    return 1;
  }

  const signal = adapter.fromPane(screen);
  const report = screenState.debouncer.push(signal, t);
  ctx.logger.debug(
    {
      agentId: agent.id,
      record: agent.status,
      seen: signal?.status ?? null,
      report: report?.status ?? null,
      settled: screenState.debouncer.current?.status ?? null,
    },
    'pane look',
  );
  // A new classification waits for confirmation: look again next tick even without activity.
  if (signal && !report && signal.status !== screenState.debouncer.current?.status) screenState.lookSoon();

  if (!signal) {
    // An agent without hooks that draws output and has no pattern to match is at least running;
    // one that draws nothing but is still alive after a few seconds is too (a custom command with
    // no pane_patterns would otherwise show `starting` for ever).
    const quietStart = t - Date.parse(agent.statusSince) > PANE_ONLY_RUNNING_MS;
    if (
      !hooks &&
      agent.status === 'starting' &&
      ((screenState.windowActivity > 0 && screen.trim() !== '') || quietStart)
    ) {
      await lifecycle.applySignal(agent.id, {
        status: 'working',
        source: 'pane',
        detail: screen.trim() === '' ? 'running (nothing on screen yet)' : 'output seen',
      });
      // Nothing certain was read yet: look again rather than wait for the activity clock.
      screenState.lookSoon();
    }
    return 1;
  }
  // Claude Code retrying an API error by itself ("✻ API error · Retrying in 24s · attempt 1/10")
  // fires no hook: a hook agent stays `working`, and the screen says why, in its detail.
  // (Measured with 2.1.197; with 2.1.33x the status never showed it, cause not found yet.)
  if (
    hooks &&
    agent.status === 'working' &&
    signal.status === 'working' &&
    RETRYING_RE.test(signal.detail ?? '')
  ) {
    if (signal.detail !== agent.statusDetail) await lifecycle.applySignal(agent.id, signal);
    return 1;
  }
  const steady = screenState.debouncer.current;
  if (
    hooks &&
    agent.status === 'starting' &&
    steady?.status === 'needs_input' &&
    t - screenState.lastHookAt > HOOK_QUIET_MS &&
    t - Date.parse(agent.statusSince) > STARTING_STUCK_MS
  ) {
    await lifecycle.applySignal(agent.id, steady);
    return 1;
  }
  // Hooks can fall silent while the screen moves on: Escape in an attached terminal ends a turn
  // with no hook at all (no Stop), and the agent would show `working` for ever. Once hooks have
  // been silent a while and the settled screen says it is no longer working, the screen wins.
  if (hooks && agent.status === 'working' && steady && steady.status !== 'working' && hooksSilent(rt, t)) {
    await lifecycle.applySignal(agent.id, {
      ...steady,
      detail: `${steady.detail ?? steady.status} (seen on screen; no hook said so)`,
    });
    return 1;
  }
  // The screen still shows what was settled, and the record says otherwise: the screen wins.
  if (!hooks && !report && steady && signal.status === steady.status && screenDisagrees(agent, steady)) {
    await lifecycle.applySignal(agent.id, signal);
    return 1;
  }
  if (!report) return 1;
  if (hooks) {
    const quiet = t - screenState.lastHookAt > HOOK_QUIET_MS;
    const dialogShown = signal.status === 'needs_permission' && agent.status !== 'needs_permission';
    const dialogGone = agent.status === 'needs_permission' && signal.status !== 'needs_permission';
    if (quiet && (dialogShown || dialogGone)) await lifecycle.applySignal(agent.id, report);
    return 1;
  }
  if (report.status !== agent.status) await lifecycle.applySignal(agent.id, report);
  return 1;
}

function hooksSilent(rt: AgentRuntime, t: number): boolean {
  return t - rt.screen.lastHookAt > HOOKS_SILENT_MS;
}

/**
 * Whether a screen-only agent's settled screen disagrees with its record. Not while starting
 * (the start rules above decide) nor while a usage limit is waited out (the record holds).
 */
function screenDisagrees(agent: Agent, settled: StatusSignal | null): boolean {
  if (settled === null || agent.status === 'starting' || agent.status === 'rate_limited') return false;
  return settled.status !== agent.status;
}
