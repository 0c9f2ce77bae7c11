import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type SimRequestRecord,
  type SimScriptInput,
  type SimServer,
  simStep,
  startSimServer,
} from '../../../src/sim/index.js';
import { ask, assemble, messagesBody, parseSse, post } from './client.js';

const servers: SimServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function serve(script: SimScriptInput, onRequest?: (r: SimRequestRecord) => void): Promise<SimServer> {
  const s = await startSimServer({ script, ...(onRequest ? { onRequest } : {}) });
  servers.push(s);
  return s;
}

const helloScript: SimScriptInput = {
  conversations: [
    {
      name: 'hello',
      steps: [
        simStep.write('{{cwd}}/hello.txt', 'hi from {{conversation}} step {{step}}\n', "I'll create it."),
        simStep.commitAll("add hello's file"),
        simStep.text('Done.'),
      ],
    },
  ],
};

describe('sim server: wire format', () => {
  it('answers HEAD / with 200 and records it', async () => {
    const s = await serve(helloScript);
    const res = await fetch(`${s.url}/`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(s.requests.at(-1)).toMatchObject({ method: 'HEAD', path: '/', kind: 'other', status: 200 });
  });

  it('streams a tool_use turn as the Messages API event sequence, with usage', async () => {
    const s = await serve(helloScript);
    const res = await post(s, messagesBody({ cwd: '/tmp/wt-1', prompt: '[[sim:hello]] go' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseSse(res.text);
    // Deltas come in several pieces, as from a real model; collapse runs to check the order.
    const order = events
      .map((e) => e.event)
      .filter((e, i, all) => e !== 'content_block_delta' || all[i - 1] !== e);
    expect(order).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.filter((e) => e.event === 'content_block_delta').length).toBeGreaterThan(2);
    for (const e of events) expect(e.data.type).toBe(e.event);
    const msg = assemble(events);
    expect(msg.stopReason).toBe('tool_use');
    expect(msg.model).toBe('claude-test-model');
    expect(msg.content[0]).toEqual({ type: 'text', text: "I'll create it." });
    expect(msg.content[1]).toMatchObject({
      type: 'tool_use',
      name: 'Write',
      input: { file_path: '/tmp/wt-1/hello.txt', content: 'hi from hello step 1\n' },
    });
    expect(msg.content[1]?.id).toMatch(/^toolu_sim_[0-9a-f]{24}$/);
    expect(msg.usage.input_tokens).toBeGreaterThan(10);
    expect(msg.usage.output_tokens).toBeGreaterThan(1);
  });

  it('answers stream:false with one JSON message', async () => {
    const s = await serve({
      conversations: [{ name: 'default', steps: [{ text: 'plain', usage: { input_tokens: 7 } }] }],
    });
    const res = await post(s, messagesBody({ stream: false }));
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'plain' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 7 },
    });
  });

  it('serves the same API on a Unix socket when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-sim-'));
    dirs.push(dir);
    const socketPath = join(dir, 'sim.sock');
    const s = await startSimServer({ script: { fallbackText: 'via socket' }, socketPath });
    servers.push(s);
    const msg = await ask({ socketPath }, messagesBody({ tools: false }));
    expect(msg.content).toEqual([{ type: 'text', text: 'via socket' }]);
  });
});

describe('sim server: conversations', () => {
  it('walks the steps in order and records what the model was shown', async () => {
    const s = await serve(helloScript);
    const first = await ask(s, messagesBody({ prompt: '[[sim:hello]] go', sessionId: 'sess-1' }));
    const toolUseId = first.content[1]?.id;
    const history = [
      { role: 'user', content: '[[sim:hello]] go' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'File created' }] },
    ];
    const second = await ask(s, messagesBody({ messages: history, sessionId: 'sess-1' }));
    expect(second.content[0]).toMatchObject({
      name: 'Bash',
      input: { command: expect.stringContaining("'add hello'\\''s file'") },
    });
    const third = await ask(s, messagesBody({ messages: history, sessionId: 'sess-1' }));
    expect(third).toMatchObject({ stopReason: 'end_turn', content: [{ type: 'text', text: 'Done.' }] });
    const exhausted = await ask(s, messagesBody({ messages: history, sessionId: 'sess-1' }));
    expect(exhausted.content).toEqual([{ type: 'text', text: 'Nothing more to do.' }]);

    const posts = s.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.outcome, r.step])).toEqual([
      ['step', 0],
      ['step', 1],
      ['step', 2],
      ['exhausted', null],
    ]);
    expect(posts[1]).toMatchObject({
      kind: 'script',
      conversation: 'hello@sess-1',
      sessionId: 'sess-1',
      messageCount: 3,
      firstUserText: '[[sim:hello]] go',
      lastUserText: '[[sim:hello]] go',
      toolResults: [{ toolUseId, content: 'File created', isError: false }],
      replyTools: ['Bash'],
    });
    expect(posts[1]?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('keeps one cursor per agent: two sessions on one conversation both start at step 1', async () => {
    const s = await serve({
      conversations: [{ name: 'default', steps: [{ text: 'one' }, { text: 'two' }] }],
    });
    const a1 = await ask(s, messagesBody(), { 'x-claude-code-session-id': 'aaa' });
    const b1 = await ask(s, messagesBody(), { 'x-claude-code-session-id': 'bbb' });
    const a2 = await ask(s, messagesBody(), { 'x-claude-code-session-id': 'aaa' });
    expect([a1, b1, a2].map((m) => m.content[0]?.text)).toEqual(['one', 'one', 'two']);
    expect(s.requests.map((r) => r.conversation)).toEqual(['default@aaa', 'default@bbb', 'default@aaa']);
  });

  it('picks a conversation by marker, then by match (cwd suffix, prompt, session id), then default', async () => {
    const s = await serve({
      conversations: [
        { name: 'by-cwd', match: { cwd: 'worktrees/task-7' }, steps: [{ text: 'cwd {{cwd}}' }] },
        { name: 'by-prompt', match: { prompt: 'fix the flaky test' }, steps: [{ text: 'prompt' }] },
        { name: 'by-session', match: { sessionId: 'sess-9' }, steps: [{ text: 'session {{sessionId}}' }] },
        { name: 'marked', steps: [{ text: 'marker' }] },
        { name: 'default', steps: [{ text: 'default' }] },
      ],
    });
    const text = async (o: Parameters<typeof messagesBody>[0]) =>
      (await ask(s, messagesBody(o))).content[0]?.text;
    expect(await text({ cwd: '/x/worktrees/task-7', prompt: '[[sim:marked]] hi' })).toBe('marker');
    expect(await text({ cwd: '/x/worktrees/task-7' })).toBe('cwd /x/worktrees/task-7');
    expect(await text({ cwd: '/x/worktrees/task-77', prompt: 'please fix the flaky test' })).toBe('prompt');
    expect(await text({ cwd: '/y', sessionId: 'sess-9' })).toBe('session sess-9');
    expect(await text({ cwd: '/z' })).toBe('default');
  });

  it('answers an unclaimed agent-loop request with the unmatched text', async () => {
    const s = await serve({
      conversations: [{ name: 'only', match: { cwd: '/nowhere' }, steps: [{ text: 'x' }] }],
    });
    const msg = await ask(s, messagesBody({ cwd: '/elsewhere' }));
    expect(msg.content[0]?.text).toBe('No script matches this conversation.');
    expect(s.requests[0]).toMatchObject({ kind: 'script', outcome: 'unmatched', conversation: null });
  });

  it('gives side requests (no tools, Warmup) the fallback text without using a step', async () => {
    const s = await serve({
      fallbackText: 'side answer',
      conversations: [{ name: 'default', steps: [{ text: 'step one' }] }],
    });
    const title = await ask(
      s,
      messagesBody({ tools: false, prompt: '<session>\nhi\n</session>\nWrite the title' }),
    );
    const warmup = await ask(s, messagesBody({ prompt: 'Warmup' }));
    const real = await ask(s, messagesBody({ prompt: 'real work' }));
    expect([title, warmup, real].map((m) => m.content[0]?.text)).toEqual([
      'side answer',
      'side answer',
      'step one',
    ]);
    expect(s.requests.map((r) => r.kind)).toEqual(['fallback', 'fallback', 'script']);
  });

  it('adds a conversation while running', async () => {
    const s = await serve({});
    s.addConversation({ name: 'late', match: { sessionId: 's-late' }, steps: [{ text: 'late one' }] });
    expect((await ask(s, messagesBody({ sessionId: 's-late' }))).content[0]?.text).toBe('late one');
    expect(() => s.addConversation({ name: 'late', steps: [] })).toThrow(/already exists/);
  });
});

describe('sim server: errors and delays', () => {
  it('answers error steps with the Anthropic error body and headers, `times` in a row', async () => {
    const s = await serve({
      conversations: [
        {
          name: 'default',
          steps: [
            simStep.error(429, { retryAfter: 2, message: 'slow down', times: 2 }),
            simStep.error(529),
            { text: 'ok now' },
          ],
        },
      ],
    });
    const r1 = await post(s, messagesBody());
    const r2 = await post(s, messagesBody());
    const r3 = await post(s, messagesBody());
    expect([r1.status, r2.status, r3.status]).toEqual([429, 429, 529]);
    expect(r1.headers['retry-after']).toBe('2');
    expect(JSON.parse(r1.text)).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
    });
    expect(JSON.parse(r3.text).error.type).toBe('overloaded_error');
    expect((await ask(s, messagesBody())).content[0]?.text).toBe('ok now');
    expect(s.requests.map((r) => r.status)).toEqual([429, 429, 529, 200]);
  });

  it('holds a delayed answer back; the request is recorded before the answer leaves', async () => {
    let answered = false;
    let answeredWhenRecorded: boolean | null = null;
    const s = await serve(
      { conversations: [{ name: 'default', steps: [simStep.slow(400, simStep.text('slow'))] }] },
      () => {
        answeredWhenRecorded = answered;
      },
    );
    const started = Date.now();
    const reply = ask(s, messagesBody()).then((m) => {
      answered = true;
      return m;
    });
    const msg = await reply;
    expect(msg.content[0]?.text).toBe('slow');
    expect(answeredWhenRecorded).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('close() ends a stream that is still being held back', async () => {
    const s = await startSimServer({
      script: { conversations: [{ name: 'default', steps: [{ text: 'never', delayMs: 60_000 }] }] },
    });
    const pending = post(s, messagesBody()).then(
      (r) => `ended ${r.status}`,
      (e: Error) => `failed ${e.message}`,
    );
    const deadline = Date.now() + 5_000;
    while (s.requests.length === 0) {
      if (Date.now() > deadline) throw new Error('the delayed request never reached the server');
      await new Promise((r) => setTimeout(r, 10));
    }
    await s.close();
    expect(await pending).toMatch(/^(ended 200|failed)/);
  });

  it('rejects a body that is not JSON with a 400 error body', async () => {
    const s = await serve({});
    const res = await fetch(`${s.url}/v1/messages`, { method: 'POST', body: '{nope' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
