import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  describeInBrowser,
  errorText,
  screenshot,
  useBrowserWorld,
  waitFor,
} from '../helpers/browser.js';

/**
 * The Logs view and the agent page show a real Claude Code agent's conversation (2.1.197 in its
 * TUI, on the scripted model, read from its transcript JSONL): the prompt, a tool call that
 * opens to show its input, a result that expands, the final text, the turn's tokens; a message
 * sent afterwards arrives live over the stream; the terminal toggle shows the rendered screen.
 */

const FINAL = 'Created hello.txt with two lines. Periwinkle is the word.';
const LATER = 'Marigold is the second word.';

await describeInBrowser('the conversation in the Logs view', () => {
  let agentId = '';
  const world = useBrowserWorld({
    script: {
      conversations: [
        {
          name: 'hello',
          steps: [
            simStep.write('{{cwd}}/hello.txt', 'hello from the sim\nline 2\n', "I'll create hello.txt."),
            simStep.bash('seq 1 20 && cat hello.txt', 'Show the file'),
            simStep.text(FINAL),
            simStep.text(LATER),
          ],
        },
      ],
    },
    config: { agent: 'claude-auto' },
    prepare: async (w) => {
      const task = await w.addTask('Make hello', '[[sim:hello]] create hello.txt and show it');
      agentId = (await w.json<{ id: string }>(['start', task.id])).id;
      await w.waitForAgent(agentId, (a) => a.status === 'idle', 'the agent to finish its turn', 90_000);
    },
    timeoutMs: 150_000,
  });

  it('shows the prompt, tool calls with their input, results, the final text and the turn end', async () => {
    const page = await world.signedInPage();
    await page.goto(new URL(`/logs?source=${agentId}`, page.url()).toString());
    const conv = page.locator('[data-testid="conversation"]');
    await conv
      .locator('[data-kind="turn_end"]')
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(async (e: Error) => {
        await screenshot(page, 'logs-conversation-missing');
        throw new Error(`no conversation: ${e.message}; page errors: ${errorText(page)}`);
      });
    const entries = conv.locator('[data-testid="conv-entry"]');
    await expect(
      entries.evaluateAll((els) =>
        els.map((el) => (el as unknown as { dataset: Record<string, string> }).dataset.kind),
      ),
    ).resolves.toEqual([
      'prompt',
      'text',
      'tool_call',
      'tool_result',
      'tool_call',
      'tool_result',
      'text',
      'turn_end',
    ]);
    await expect(conv.locator('[data-kind="prompt"]').textContent()).resolves.toContain(
      '[[sim:hello]] create hello.txt and show it',
    );
    await expect(conv.locator('[data-kind="text"]').last().textContent()).resolves.toContain(FINAL);
    await expect(conv.locator('[data-kind="turn_end"]').textContent()).resolves.toMatch(
      /tokens in · [\d,]+ out/,
    );

    // A tool call is one line until opened; then its input shows.
    const write = conv.locator('[data-kind="tool_call"]').first();
    await expect(write.locator('summary').textContent()).resolves.toContain('Write(hello.txt)');
    await expect(write.locator('[data-testid="conv-tool-input"]').isVisible()).resolves.toBe(false);
    await write.locator('summary').click();
    await expect(write.locator('[data-testid="conv-tool-input"]').textContent()).resolves.toContain(
      '"content": "hello from the sim\\nline 2\\n"',
    );
    // A long result shows its first lines, and all of them on request.
    const ran = conv.locator('[data-kind="tool_result"]').last();
    await expect(ran.locator('[data-testid="conv-result-text"]').textContent()).resolves.not.toContain('20');
    await ran.getByRole('button', { name: /Show all 22 lines/ }).click();
    await expect(ran.locator('[data-testid="conv-result-text"]').textContent()).resolves.toContain(
      '20\nhello from the sim',
    );

    await screenshot(page, 'logs-conversation');
    await checkA11y(page, 'the conversation in the Logs view');

    // Live: a message sent now shows up without a reload.
    const sent = await world.e2e.flotilla(['send', agentId, 'and the second word?']);
    expect(sent.code, sent.stderr).toBe(0);
    await conv.locator('[data-kind="text"]', { hasText: LATER }).waitFor({ timeout: 30_000 });
    await expect(conv.locator('[data-kind="prompt"]').last().textContent()).resolves.toContain(
      'and the second word?',
    );

    // The terminal toggle: the screen's lines, rendered, the final text on one line.
    await page.getByRole('radio', { name: 'Terminal' }).check();
    const raw = page.locator('[data-testid="raw-terminal"]');
    await raw.waitFor({ timeout: 15_000 });
    await waitFor(
      async () => ((await raw.textContent()) ?? '').includes(`● ${FINAL}`),
      'the rendered terminal',
      {
        timeoutMs: 10_000,
        intervalMs: 250,
      },
    );
    await screenshot(page, 'logs-terminal-rendered');
    await page.context().close();
  }, 90_000);

  it('the agent page shows the conversation above the terminal', async () => {
    const page = await world.signedInPage();
    await page.goto(new URL(`/agents/${agentId}`, page.url()).toString());
    const conv = page.locator('#agent-conversation [data-testid="conversation"]');
    await conv.locator('[data-kind="text"]', { hasText: FINAL }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'agent-conversation');
    await page.context().close();
  }, 60_000);
});
