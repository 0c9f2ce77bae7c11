import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEntry, ConversationPage } from '../../src/domain/conversation.js';
import { simStep } from '../../src/sim/index.js';
import { type E2eWorld, e2eSkipReason, makeE2eWorld } from '../helpers/e2e.js';

/**
 * `flotilla logs`, with the real binary, its daemon, tmux and Claude Code 2.1.197 on the
 * scripted model: the conversation by default (prompt, tool calls with their input, results,
 * the final text, the turn end), `--json`, `--raw` as the lines that were on screen (no spinner
 * fragments), and a headless agent's conversation from its stream-json, its card showing its
 * last words instead of JSON.
 */

const FINAL = 'Created hello.txt with two lines. Periwinkle is the word.';
const skip = await e2eSkipReason();
if (skip) console.warn(`skipping flotilla logs e2e: ${skip}`);

describe.skipIf(skip !== null)('flotilla logs on a real Claude Code agent', () => {
  let w: E2eWorld;
  let interactive = '';
  let headless = '';

  beforeAll(async () => {
    w = await makeE2eWorld({
      script: {
        conversations: [
          {
            name: 'hello',
            steps: [
              simStep.write('{{cwd}}/hello.txt', 'hello from the sim\nline 2\n', "I'll create hello.txt."),
              simStep.bash('seq 1 40 && cat hello.txt', 'Show the file'),
              simStep.text(FINAL),
            ],
          },
        ],
      },
      config: { agent: 'claude-auto' },
    });
    const a = await w.addTask('Make hello', '[[sim:hello]] create hello.txt and show it');
    interactive = (await w.json<{ id: string }>(['start', a.id])).id;
    const b = await w.addTask('Make hello headless', '[[sim:hello]] create hello.txt and show it');
    headless = (await w.json<{ id: string }>(['start', b.id, '--mode', 'headless'])).id;
    await w.waitForAgent(
      interactive,
      (x) => x.status === 'idle',
      'the interactive agent to finish its turn',
      90_000,
    );
    await w.waitForAgent(
      headless,
      (x) => ['idle', 'exited'].includes(x.status),
      'the headless agent to finish its run',
      90_000,
    );
  }, 200_000);

  afterAll(async () => {
    await w?.cleanup();
  });

  it('prints the conversation: the prompt, each tool call with its input, results (cut, with a note), the final text, the turn end', async () => {
    const r = await w.flotilla(['logs', interactive]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain('❯ [[sim:hello]] create hello.txt and show it');
    expect(out).toContain('● Write(hello.txt)');
    expect(out).toMatch(/input: \{"file_path":".*hello\.txt","content":"hello from the sim\\nline 2\\n"\}/);
    expect(out).toContain('● Bash(seq 1 40 && cat hello.txt)');
    // 42 lines of output: 8 shown, then how to see them all.
    expect(out).toContain('  ⎿ 1\n');
    expect(out).toContain(`more lines (see it all: flotilla logs ${interactive} --full)`);
    expect(out).not.toContain('\n    40\n');
    expect(out).toContain(`● ${FINAL}`);
    expect(out).toMatch(/── Turn ended · \d+\.\d s · [\d,]+ in · [\d,]+ out ──/);
    // No spinner, no escape bytes.
    expect(out).not.toMatch(/[✢✳✶✻✽·] \w+…/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for escapes is the point
    expect(out).not.toMatch(/\x1b/);

    const full = await w.flotilla(['logs', interactive, '--full']);
    expect(full.stdout).toContain('\n    40\n');
  });

  it('--json gives the entries for scripts', async () => {
    const page = await w.json<ConversationPage>(['logs', interactive]);
    expect(page.source).toBe('transcript');
    const kinds = page.entries.map((e: ConversationEntry) => e.kind);
    expect(kinds).toEqual([
      'prompt',
      'text',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'text',
      'turn_end',
    ]);
    expect(page.entries[2]).toMatchObject({
      tool: 'Write',
      input: { content: 'hello from the sim\nline 2\n' },
    });
  });

  it('--raw shows the lines that were on screen, rendered, not byte fragments', async () => {
    const r = await w.flotilla(['logs', interactive, '--raw', '-n', '400']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    // The final text is one whole line, as it was on screen.
    expect(lines).toContain(`● ${FINAL}`);
    expect(lines).toContain('● Write(hello.txt)');
    // Spinner frames resolved: no line is a fragment of one ("Bloviating… 2", "l", "o 4").
    const fragments = lines.filter((l) => {
      const t = l.trim();
      return t !== '' && t !== '❯' && !/^\d+$/.test(t) && /^\S{1,2}( \d+)?$/.test(t);
    });
    expect(lines.filter((l) => /^[✢✳✶✻✽·*] \w+…/.test(l.trim())).length, r.stdout).toBeLessThanOrEqual(1);
    expect(fragments, r.stdout).toEqual([]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for escapes is the point
    expect(r.stdout).not.toMatch(/\x1b/);
  });

  it("a headless agent's conversation comes from its stream-json, and its card shows its last words", async () => {
    const r = await w.flotilla(['logs', headless]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/── Session started · claude-/);
    expect(r.stdout).toContain('❯ [[sim:hello]] create hello.txt and show it');
    expect(r.stdout).toContain('● Write(hello.txt)');
    expect(r.stdout).toContain(`● ${FINAL}`);
    expect(r.stdout).toMatch(/── Turn ended \(completed\) · .* · \$\d/);
    expect(r.stdout).not.toContain('{"type"');
    const agent = await w.waitForAgent(
      headless,
      (a) => a.lastOutput === FINAL,
      'the card to show the last words',
      10_000,
    );
    expect(agent.lastOutput).toBe(FINAL);
  });

  it('the API pages by seq', async () => {
    const all = await w.api<ConversationPage>(`/api/v1/agents/${interactive}/conversation`);
    const after = await w.api<ConversationPage>(`/api/v1/agents/${interactive}/conversation?after=5&limit=1`);
    expect(after.entries).toEqual([all.entries[6]]);
    expect(after.total).toBe(all.total);
  });
});
