import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClaudeTranscript } from '../../../src/agents/claude-code/transcript.js';
import { formatEntries, formatEntry, RESULT_LINES } from '../../../src/cli/commands/logs.js';
import type { ConversationEntry } from '../../../src/domain/conversation.js';

const opts = { style: { color: false }, full: false, agentId: 'k7m2qp' };
const transcript = readFileSync(
  join(import.meta.dirname, '..', '..', 'fixtures', 'claude-code', 'transcript.sim.2.1.197.jsonl'),
  'utf8',
);
const entries: ConversationEntry[] = parseClaudeTranscript(transcript).map((e, seq) => ({ ...e, seq }));

describe('flotilla logs: the conversation as text', () => {
  it('reads like the session did (a real transcript)', () => {
    const text = formatEntries(entries, opts);
    expect(text).toContain('❯ [[sim:cap]] create hello.txt and show it');
    expect(text).toContain(
      '● Write(hello.txt)\n    input: {"file_path":"/home/dev/repo/hello.txt","content":"hello from the sim\\nline 2\\n"}',
    );
    expect(text).toContain('  ⎿ File created successfully at: /home/dev/repo/hello.txt');
    // A Bash call whose only input is the summary says it once.
    expect(text).toContain('● Bash(cat hello.txt && ls)\n  ⎿ hello from the sim\n    line 2\n    hello.txt');
    expect(text).toContain('● Created hello.txt with two lines. Periwinkle is the word.');
    expect(text).toContain('── Turn ended · 1.0 s · 67,239 in · 126 out ──');
  });

  it('cuts a long result with a note saying how to see it all, unless --full', () => {
    const long: ConversationEntry = {
      seq: 1,
      kind: 'tool_result',
      role: 'tool',
      ts: null,
      text: Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n'),
    };
    const lines = formatEntry(long, opts);
    expect(lines).toHaveLength(RESULT_LINES + 1);
    expect(lines.at(-1)).toBe('    … 22 more lines (see it all: flotilla logs k7m2qp --full)');
    expect(formatEntry(long, { ...opts, full: true })).toHaveLength(30);
  });

  it('neutralises control characters the agent printed', () => {
    const evil: ConversationEntry = {
      seq: 0,
      kind: 'text',
      role: 'assistant',
      ts: null,
      text: 'a\u001b]52;c;cHduZWQ=\u0007b\u001b[2Jc\u0007',
    };
    expect(formatEntry(evil, opts)).toEqual(['● abc']);
  });
});
