import { join } from 'node:path';
import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import {
  checkA11y,
  describeInBrowser,
  errorText,
  openView,
  SCREENSHOTS,
  screenshot,
  useBrowserWorld,
  waitFor,
  withScreen,
} from '../helpers/browser.js';

/**
 * The agent page and the logs view, in a real browser: the page's terminal shows what is really
 * on the agent's tmux pane. Real processes: the `flotilla` binary and its daemon, tmux, git,
 * Claude Code 2.1.197 in its TUI, the scripted model and Chromium; all inside one loopback-only
 * network namespace.
 */

// A word only the scripted model says: on the agent's screen once its turn has ended.
const WORD = 'Periwinkle';

await describeInBrowser('the agent page', () => {
  let agentId = '';
  const world = useBrowserWorld({
    script: {
      conversations: [
        {
          name: 'greet',
          // A tool call first: Claude Code draws its result under `⎿`, a glyph no Debian font has.
          steps: [simStep.bash('echo listed', 'List'), simStep.text(`${WORD} is the word of the day.`)],
        },
      ],
    },
    config: { agent: 'claude-auto' },
    prepare: async (w) => {
      const task = await w.addTask('Say the word', '[[sim:greet]] say the word');
      agentId = (await w.json<{ id: string }>(['start', task.id])).id;
      await w.waitForAgent(agentId, (a) => a.status === 'idle', 'the agent to finish its turn');
    },
    timeoutMs: 90_000,
  });

  it("the terminal shows the agent's real screen", async () => {
    const w = world.e2e;
    await waitFor(
      async () => (await w.screen(agentId)).includes(WORD),
      `"${WORD}" on the agent's tmux screen`,
      { timeoutMs: 15_000, intervalMs: 200 },
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}; the screen:\n${await w.screen(agentId)}`);
    });
    const page = await world.signedInPage();
    await page.goto(new URL(`/agents/${agentId}`, page.url()).toString());
    const rows = page.locator('[data-testid="terminal"] .xterm-rows');
    await withScreen(
      w,
      agentId,
      rows
        .filter({ hasText: WORD })
        .waitFor({ timeout: 20_000 })
        .catch(async (e: Error) => {
          await screenshot(page, 'agent-terminal-missing');
          const shown = await rows
            .locator(':scope > div')
            .allTextContents()
            .catch(() => ['(no terminal rows)']);
          // A terminal narrower than the pane wraps the screen and garbles cursor-addressed output.
          const pane = await w.tmux([
            'display',
            '-p',
            '-t',
            `flotilla-${agentId}`,
            '#{pane_width}x#{pane_height}',
          ]);
          const widest = Math.max(0, ...shown.map((r) => r.trimEnd().length));
          throw new Error(
            `the terminal never showed "${WORD}": ${e.message}\n` +
              `tmux pane ${pane.stdout.trim()}, terminal ${shown.length} rows (longest text ${widest} chars); it shows:\n` +
              `${shown.map((r) => r.trimEnd()).join('\n')}\n` +
              `page errors: ${errorText(page)}`,
          );
        }),
    );
    // The banner is on the real screen too: the terminal is a copy of the pane, not a summary.
    expect(await w.screen(agentId)).toContain('Claude Code');
    await expect(rows.textContent()).resolves.toContain('Claude Code');
    // `⎿` (U+23BF) is on the pane; the terminal draws it as `└`, which its font has (a box before).
    expect(await w.screen(agentId)).toContain('\u23bf');
    await expect(rows.textContent()).resolves.toContain('\u2514');
    await expect(rows.textContent()).resolves.not.toContain('\u23bf');
    // Dark in the light page theme too: Claude Code's palette assumes a dark terminal.
    const bg = await page
      .locator('[data-testid="terminal"] .xterm-viewport')
      .evaluate(
        (el) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
          ).getComputedStyle(el).backgroundColor,
      );
    expect(bg).toBe('rgb(13, 17, 23)');
    await screenshot(page, 'agent-page');
    await page.getByTestId('terminal').screenshot({ path: join(SCREENSHOTS, 'agent-terminal.png') });
    await checkA11y(page, 'the agent page');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('terminal').screenshot({ path: join(SCREENSHOTS, 'agent-terminal-dark.png') });
    await checkA11y(page, 'the agent page (dark)');
    await page.context().close();
  }, 60_000);

  it('the logs view lists log lines and passes axe', async () => {
    const page = await world.signedInPage();
    await openView(page, 'Logs');
    await page.locator('[data-testid="log-list"]').waitFor({ timeout: 15_000 });
    // The daemon has logged its start and the agent's: at least one line to show.
    await page
      .locator('[data-testid="log-list"] [data-testid="log-line"]')
      .first()
      .waitFor({ timeout: 15_000 });
    await screenshot(page, 'logs-view');
    await checkA11y(page, 'the logs view');
    await page.context().close();
  }, 60_000);
});
