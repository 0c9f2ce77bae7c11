import { letterPlan } from '../../../src/agents/screen-plan.js';
import type { AgentAdapter, LaunchContext, LaunchSpec, StatusSignal } from '../../../src/agents/types.js';
import { AgentStatusSchema } from '../../../src/domain/agent.js';

/**
 * The adapter the supervisor tests drive test/fixtures/agents/fake-agent.mjs with: the prompt
 * goes as the last argument (file-arg), `--resume <id>` continues, hook payloads carry the
 * status they mean, and the screen patterns are the fixture's own.
 */
export const fakeAdapter: AgentAdapter = {
  kind: 'custom',
  signals: { hooks: true, stream: true, pane: true },
  resumable: true,
  launch(ctx: LaunchContext): LaunchSpec {
    return {
      argv: [ctx.config.command, ...ctx.config.args, '--session-id', ctx.sessionId ?? 'none'],
      env: { ...ctx.config.env },
      files: [{ path: `${ctx.agentDir}/settings.json`, content: JSON.stringify({ hook: ctx.hookArgv }) }],
      promptVia: 'file-arg',
      promptFile: `${ctx.agentDir}/prompt.txt`,
    };
  },
  resume(ctx: LaunchContext): LaunchSpec {
    return {
      argv: [ctx.config.command, ...ctx.config.args, '--resume', ctx.sessionId ?? 'none'],
      env: { ...ctx.config.env },
      files: [],
      promptVia: 'none',
    };
  },
  fromHook(payload): StatusSignal | null {
    const status = AgentStatusSchema.safeParse(payload.status);
    if (!status.success) return null;
    return { status: status.data, source: 'hook', detail: String(payload.hook_event_name) };
  },
  fromStreamLine(line) {
    const v = JSON.parse(line) as {
      type?: string;
      status?: string;
      tokens?: number;
      cost?: number;
      resetAt?: string;
    };
    if (v.type === 'status') {
      const status = AgentStatusSchema.safeParse(v.status);
      return status.success
        ? { status: { status: status.data, source: 'stream', detail: 'stream line' } }
        : null;
    }
    if (v.type === 'result') {
      return {
        status: {
          status: 'working',
          source: 'stream',
          detail: 'run finished',
          ...(v.resetAt ? { resumeAt: new Date(v.resetAt) } : {}),
        },
        usage: { inputTokens: v.tokens ?? 0, outputTokens: 1, costUsd: v.cost ?? 0 },
      };
    }
    return null;
  },
  fromPane(screen): StatusSignal | null {
    if (/Allow\? \[y\/n\]\s*$/.test(screen.trimEnd())) return { status: 'needs_permission', source: 'pane' };
    if (/NEEDS INPUT>\s*$/.test(screen.trimEnd())) return { status: 'needs_input', source: 'pane' };
    if (/thinking\.\.\.\s*$/.test(screen.trimEnd())) return { status: 'working', source: 'pane' };
    return null;
  },
  answerDialog(screen, answer) {
    const question = (text: string) => (/Allow\? \[y\/n\]\s*$/.test(text.trimEnd()) ? 'Allow?' : null);
    return letterPlan(question, screen, answer);
  },
  detectUsageLimit(text) {
    const m = /usage limit reached, resets at (\S+)/.exec(text);
    return m ? new Date(m[1] as string) : null;
  },
};

/** The same adapter without hooks: the screen is its only status signal. */
export const fakePaneAdapter: AgentAdapter = {
  ...fakeAdapter,
  signals: { hooks: false, stream: false, pane: true },
};
