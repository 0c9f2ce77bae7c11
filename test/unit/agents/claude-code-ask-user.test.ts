import { describe, expect, it } from 'vitest';
import { claudeStatusFromHook } from '../../../src/agents/claude-code/hooks.js';
import { claudeFromStreamLine } from '../../../src/agents/claude-code/stream.js';

/**
 * Flotilla's ask_user tool, as Claude Code reports the call: its hook and its stream line say
 * the agent waits for its user (needs_input, the question as the detail), in both modes, so a
 * late one agrees with the daemon instead of overwriting it with `working`.
 */
const call = {
  tool_name: 'mcp__flotilla__ask_user',
  tool_input: { question: 'Which\x1b[31m port?\n8080 or 9090' },
};

describe('the ask_user call in hooks and stream lines', () => {
  it('PreToolUse: needs_input with the question, one line, escapes removed, in both modes', () => {
    for (const mode of ['interactive', 'headless'] as const) {
      const signal = claudeStatusFromHook({ hook_event_name: 'PreToolUse', ...call }, mode);
      expect(signal).toMatchObject({ status: 'needs_input', detail: 'asks: Which port? 8080 or 9090' });
    }
    // Another Flotilla tool is ordinary work.
    const other = claudeStatusFromHook(
      {
        hook_event_name: 'PreToolUse',
        tool_name: 'mcp__flotilla__report_progress',
        tool_input: { text: 'x' },
      },
      'interactive',
    );
    expect(other?.status).toBe('working');
  });

  it('the assistant stream line with the call: needs_input; its tool result: working again', () => {
    const line = JSON.stringify({
      type: 'assistant',
      message: { content: [{ type: 'tool_use', name: call.tool_name, input: call.tool_input }] },
    });
    expect(claudeFromStreamLine(line)?.status).toMatchObject({
      status: 'needs_input',
      source: 'stream',
      detail: 'asks: Which port? 8080 or 9090',
    });
    const result = JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result' }] } });
    expect(claudeFromStreamLine(result)?.status?.status).toBe('working');
  });
});
