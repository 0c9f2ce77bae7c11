import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/agents/claude-code/index.js';
import {
  ClaudeStreamReader,
  parseClaudeStream,
} from '../../../src/agents/claude-code/stream-conversation.js';
import {
  ClaudeTranscriptReader,
  claudeProjectDirName,
  claudeTranscriptPath,
  parseClaudeTranscript,
} from '../../../src/agents/claude-code/transcript.js';
import { CONVERSATION_TEXT_MAX, ConversationEntryDraftSchema } from '../../../src/domain/conversation.js';

// Real captures: the transcript and the headless pane log are from Claude Code 2.1.197 run by
// Flotilla against the scripted model (an e2e world; temp paths replaced by /home/dev/repo);
// the stream-json files are the reference captures of 2.1.331.
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'claude-code');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('the Claude Code transcript parser', () => {
  const entries = parseClaudeTranscript(fixture('transcript.sim.2.1.197.jsonl'));

  it('reads the prompt, the text, each tool call with its input and result, and the turn end with its usage', () => {
    for (const e of entries) expect(ConversationEntryDraftSchema.safeParse(e).success).toBe(true);
    expect(entries.map((e) => e.kind)).toEqual([
      'prompt',
      'text',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'text',
      'turn_end',
    ]);
    const [prompt, said, write, wrote, bash, ran, last, end] = entries;
    expect(prompt).toMatchObject({ role: 'user', ts: '2026-12-07T14:21:09.800Z' });
    expect(prompt?.text).toMatch(/^\[\[sim:cap\]\] create hello.txt and show it\n/);
    expect(said).toMatchObject({
      role: 'assistant',
      text: "I'll create hello.txt.",
      model: 'claude-opus-4-8',
    });
    expect(write).toMatchObject({
      kind: 'tool_call',
      tool: 'Write',
      text: 'Write(hello.txt)',
      input: { file_path: '/home/dev/repo/hello.txt', content: 'hello from the sim\nline 2\n' },
    });
    expect(wrote).toMatchObject({ tool: 'Write', isError: false, toolUseId: write?.toolUseId });
    expect(wrote?.text).toMatch(/^File created successfully at: \/home\/dev\/repo\/hello.txt/);
    expect(bash).toMatchObject({ tool: 'Bash', text: 'Bash(cat hello.txt && ls)' });
    expect(ran).toMatchObject({
      tool: 'Bash',
      text: 'hello from the sim\nline 2\nhello.txt',
      isError: false,
    });
    expect(last?.text).toBe('Created hello.txt with two lines. Periwinkle is the word.');
    // Three API calls; the first's usage repeated on its two lines counts once.
    expect(end).toMatchObject({
      kind: 'turn_end',
      durationMs: 995,
      usage: { inputTokens: 22287 + 22432 + 22520, outputTokens: 67 + 38 + 21, cacheReadTokens: 0 },
    });
  });

  it('leaves out bookkeeping, meta and subagent lines, and torn or foreign lines', () => {
    const reader = new ClaudeTranscriptReader();
    expect(reader.push('{"type":"file-history-snapshot","messageId":"x"}')).toEqual([]);
    expect(reader.push('{"type":"user","isMeta":true,"message":{"role":"user","content":"Caveat"}}')).toEqual(
      [],
    );
    expect(
      reader.push(
        '{"type":"assistant","isSidechain":true,"message":{"content":[{"type":"text","text":"sub"}]}}',
      ),
    ).toEqual([]);
    expect(reader.push('{"type":"assistant","message":{"content":[{"type":"te')).toEqual([]);
    expect(reader.push('not json')).toEqual([]);
  });

  it('shows a slash command as typed, an API error as an error, and neutralises control characters', () => {
    const reader = new ClaudeTranscriptReader();
    const cmd = reader.push(
      JSON.stringify({
        type: 'user',
        message: {
          role: 'user',
          content: '<command-name>/model</command-name><command-args>opus</command-args>',
        },
      }),
    );
    expect(cmd).toMatchObject([{ kind: 'prompt', text: '/model opus' }]);
    const err = reader.push(
      JSON.stringify({
        type: 'assistant',
        isApiErrorMessage: true,
        message: { model: '<synthetic>', content: [{ type: 'text', text: 'API Error: 400 bad' }] },
      }),
    );
    expect(err).toMatchObject([{ kind: 'error', text: 'API Error: 400 bad' }]);
    const evil = reader.push(
      JSON.stringify({
        type: 'assistant',
        message: { content: [{ type: 'text', text: 'a\u001b]0;pwn\u0007b\u001b[2Jc\rd' }] },
      }),
    );
    expect(evil[0]?.text).toBe('abcd');
  });

  it('cuts a huge tool result and says how long it was', () => {
    const reader = new ClaudeTranscriptReader();
    const big = 'x'.repeat(CONVERSATION_TEXT_MAX + 10);
    const [e] = reader.push(
      JSON.stringify({
        type: 'user',
        message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: big }] },
      }),
    );
    expect(e?.text.length).toBe(CONVERSATION_TEXT_MAX);
    expect(e?.fullChars).toBe(CONVERSATION_TEXT_MAX + 10);
  });

  it('finds the transcript where Claude Code writes it', () => {
    expect(claudeProjectDirName('/tmp/flotilla-test-RjYKEC/state/worktrees/repo/mfxehh-make-hello')).toBe(
      '-tmp-flotilla-test-RjYKEC-state-worktrees-repo-mfxehh-make-hello',
    );
    expect(claudeTranscriptPath({ home: '/h', cwd: '/w/a.b_c', sessionId: 's' })).toBe(
      '/h/.claude/projects/-w-a-b-c/s.jsonl',
    );
    expect(
      claudeCodeAdapter.conversation?.transcriptFile?.({
        home: '/h',
        env: { CLAUDE_CONFIG_DIR: '/cfg' },
        cwd: '/w',
        sessionId: 's',
      }),
    ).toBe('/cfg/projects/-w/s.jsonl');
  });
});

describe('the Claude Code stream-json parser', () => {
  it("reads a headless agent's pane log (real, through tmux: CRLF and terminal noise)", () => {
    const entries = parseClaudeStream(fixture('stream-pane.sim.2.1.197.txt'));
    for (const e of entries) expect(ConversationEntryDraftSchema.safeParse(e).success).toBe(true);
    expect(entries.map((e) => e.kind)).toEqual([
      'session',
      'text',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'text',
      'turn_end',
    ]);
    expect(entries[0]?.text).toMatch(
      /^Session started · claude-opus-4-8\[1m\] · Claude Code 2\.1\.197 · in \/home\/dev\/repo$/,
    );
    expect(entries[2]).toMatchObject({ tool: 'Write', text: 'Write(hello.txt)' });
    expect(entries[5]).toMatchObject({ tool: 'Bash', text: 'hello from the sim\nline 2\nhello.txt' });
    expect(entries[6]?.text).toBe('Created hello.txt with two lines. Periwinkle is the word.');
    expect(entries[7]).toMatchObject({ kind: 'turn_end', text: 'Turn ended (completed)' });
    expect(entries[7]?.usage?.inputTokens).toBeGreaterThan(0);
    expect(entries[7]?.usage?.costUsd).toBeGreaterThan(0);
  });

  it('reads the 2.1.331 reference captures: a Bash commit and a Write', () => {
    const bash = parseClaudeStream(fixture('stream-json.bash-commit.2.1.331.jsonl'));
    expect(bash.filter((e) => e.kind === 'tool_call').map((e) => e.tool)).toContain('Bash');
    expect(bash.at(-1)).toMatchObject({ kind: 'turn_end', usage: { inputTokens: expect.any(Number) } });
    const write = parseClaudeStream(fixture('stream-json.write-hello.2.1.331.jsonl'));
    expect(write.map((e) => e.kind)).toEqual([
      'session',
      'text',
      'tool_call',
      'tool_result',
      'text',
      'turn_end',
    ]);
    expect(write.at(-1)).toMatchObject({
      usage: { inputTokens: 5765, outputTokens: 70, costUsd: 0.024460000000000003 },
    });
  });

  it('says what went wrong: an API retry, a failed turn, a refused tool', () => {
    const reader = new ClaudeStreamReader();
    expect(
      reader.push(
        '{"type":"system","subtype":"api_retry","attempt":2,"max_retries":10,"error_status":529,"error":"overloaded"}',
      ),
    ).toMatchObject([{ kind: 'error', text: 'overloaded (HTTP 529), retrying · attempt 2/10' }]);
    const failed = reader.push(
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: true,
        result: 'API Error: Request rejected (429)',
        terminal_reason: 'api_error',
        permission_denials: [{ tool_name: 'Bash', tool_input: { command: 'rm -rf x' } }],
      }),
    );
    expect(failed.map((e) => e.kind)).toEqual(['error', 'error', 'turn_end']);
    expect(failed[0]?.text).toBe('API Error: Request rejected (429)');
    expect(failed[1]?.text).toContain('Permission denied: Bash');
    expect(reader.push('{"type":"system","subtype":"hook_started"}')).toEqual([]);
  });
});
