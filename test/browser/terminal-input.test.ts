import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { simStep } from '../../src/sim/index.js';
import type { BrowserWorld } from '../helpers/browser.js';
import {
  describeInBrowser,
  errorText,
  openView,
  recordAttribute,
  recordSentFrames,
  screenshot,
  useBrowserWorld,
  waitFor,
  withScreen,
} from '../helpers/browser.js';

/**
 * Typing into an agent's terminal on its page, in a real browser. With `server.terminal_input`
 * on, keys typed in the xterm reach the agent's tmux pane and Claude Code takes them as the
 * next message: the scripted model receives it and the agent works again. Off (the default),
 * the page says the terminal is read-only and sends nothing. Real processes: the `flotilla`
 * binary and its daemon, tmux, git, Claude Code 2.1.197 in its TUI, the scripted model and
 * Chromium; all inside one loopback-only network namespace.
 */

// Words only the scripted model says: on the screen once a turn has ended.
const FIRST = 'Tangerine';
const REPLY = 'Marigold';
// Plain letters: a leading / ! # or ? would open one of Claude Code's input modes.
const MESSAGE = 'hello from the browser tab';

/**
 * A world (beforeAll/afterAll, as useBrowserWorld) with one agent that ends its first turn
 * waiting for input, then answers one more message.
 */
function useChatWorld(config: Record<string, unknown>) {
  let agentId = '';
  const world = useBrowserWorld({
    script: {
      conversations: [
        {
          name: 'chat',
          steps: [simStep.text(`${FIRST} is ready.`), simStep.text(`${REPLY} heard you.`)],
        },
      ],
    },
    config: { agent: 'claude-auto', ...config },
    prepare: async (w) => {
      const task = await w.addTask('Chat through the terminal', '[[sim:chat]] wait for me');
      agentId = (await w.json<{ id: string }>(['start', task.id])).id;
      await w.waitForAgent(agentId, (a) => a.status === 'idle', 'the agent to end its first turn');
    },
    timeoutMs: 90_000,
  });
  return { world, agentId: () => agentId };
}

/** A signed-in page recording what it sends, on the agent's page once its screen is drawn. */
async function openAgentPage(world: BrowserWorld, agentId: string) {
  const page = await world.signedInPage();
  const sent = recordSentFrames(page);
  await page.goto(new URL(`/agents/${agentId}`, page.url()).toString());
  const rows = page.locator('[data-testid="terminal"] .xterm-rows');
  await withScreen(
    world.e2e,
    agentId,
    rows
      .filter({ hasText: FIRST })
      .waitFor({ timeout: 20_000 })
      .catch((e: Error) => {
        throw new Error(
          `the terminal never showed "${FIRST}": ${e.message}\npage errors: ${errorText(page)}`,
        );
      }),
  );
  return { page, sent, rows };
}

/** Click into the terminal (xterm focuses its input there) and type a line as a person does. */
async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="terminal"] .xterm-screen').click();
  await page.keyboard.type(text, { delay: 15 });
}

await describeInBrowser('typing into the terminal (server.terminal_input: true)', () => {
  // `server` is merged shallowly over the world's base: keep its port 0.
  const { world, agentId } = useChatWorld({ server: { port: 0, terminal_input: true } });

  it('keys typed on the agent page reach Claude Code: the model gets the message, the agent works again', async () => {
    const w = world.e2e;
    const id = agentId();
    const { page, sent, rows } = await openAgentPage(world, id);
    const mode = page.locator('[data-testid="terminal-mode"]');
    await expect(mode.textContent()).resolves.toContain('Typing here goes to the agent');
    await expect(page.getByText('Read-only', { exact: false }).count(), 'no read-only note').resolves.toBe(0);
    await expect(page.locator('[data-testid="terminal"]').getAttribute('data-readonly')).resolves.toBe(
      'false',
    );
    const statuses = await recordAttribute(page, `header[data-agent-id="${id}"]`, 'data-status');
    const seenBefore = w.sim.requests.length;

    await typeInTerminal(page, MESSAGE);
    // Enter only once the text is in Claude Code's prompt, as a person reads before sending.
    await waitFor(
      async () => (await w.screen(id)).includes(MESSAGE),
      `"${MESSAGE}" on the agent's tmux screen (frames sent: ${sent().filter((f) => f.type === 'terminal.input').length} terminal.input)`,
      { timeoutMs: 10_000, intervalMs: 100 },
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}\npage errors: ${errorText(page)}\nscreen:\n${await w.screen(id)}`);
    });
    await page.keyboard.press('Enter');

    const request = await withScreen(
      w,
      id,
      waitFor(
        () =>
          w.sim.requests
            .slice(seenBefore)
            .find((r) => r.kind === 'script' && r.lastUserText.includes(MESSAGE)),
        'a model request carrying the typed message',
        { timeoutMs: 30_000, intervalMs: 100 },
      ),
    );
    expect(request.lastUserText.trim()).toBe(MESSAGE);
    expect(request.step, 'the conversation went on to its second step').toBe(1);
    await withScreen(w, id, rows.filter({ hasText: REPLY }).waitFor({ timeout: 30_000 }));
    await w.waitForAgent(id, (a) => a.status === 'idle', 'the answered turn to end', 30_000);
    await page.locator(`header[data-agent-id="${id}"][data-status="idle"]`).waitFor({ timeout: 10_000 });
    const seen = (await statuses()) ?? [];
    expect(seen, `the header went working and back: ${seen.join(' → ')}`).toContain('working');
    expect(seen.at(-1)).toBe('idle');
    // Clicking into the terminal scrolled the page; a full-page shot from there draws the sticky
    // header over the agent's.
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await screenshot(page, 'terminal-input');
    await page.context().close();
  }, 60_000);
});

await describeInBrowser('typing into the terminal (read-only, the default)', () => {
  const { world, agentId } = useChatWorld({});

  it('the page says read-only, and keys typed in the terminal never reach the pane', async () => {
    const w = world.e2e;
    const id = agentId();
    const { page, sent } = await openAgentPage(world, id);
    await expect(page.locator('[data-testid="terminal-mode"]').textContent()).resolves.toContain('Read-only');
    await expect(page.locator('[data-testid="terminal"]').getAttribute('data-readonly')).resolves.toBe(
      'true',
    );
    const seenBefore = w.sim.requests.length;

    await typeInTerminal(page, MESSAGE);
    await page.keyboard.press('Enter');
    // Leaving the page closes the terminal, and that frame follows on the same socket any
    // input the keys made: once it is seen, nothing typed can still be on its way.
    await openView(page, 'Fleet');
    await waitFor(
      () => sent().some((f) => f.type === 'terminal.close' && f.agentId === id),
      'the terminal.close frame when the agent page is left',
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    const inputs = sent().filter((f) => f.type === 'terminal.input');
    expect(inputs, 'no terminal.input frame was sent').toEqual([]);
    expect(await w.screen(id)).not.toContain(MESSAGE);
    expect(w.sim.requests.slice(seenBefore).filter((r) => r.kind === 'script')).toEqual([]);
    expect((await w.agent(id)).status).toBe('idle');
    await page.context().close();
  }, 60_000);
});
