import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimServer, simStep, startSimServer } from '../../../src/sim/index.js';

/**
 * The sim server's OpenAI Responses and Gemini dialects over real HTTP on 127.0.0.1: the wire
 * framing the agents read (checked against the real CLIs in codex-headless / gemini-headless),
 * the mapping of a script's Bash/Write onto each agent's own tools, error bodies, and the
 * request log. Bodies are shaped like codex 0.171.0's and gemini-cli 0.61.0's captured ones.
 */

let sim: SimServer;

beforeAll(async () => {
  sim = await startSimServer({
    script: {
      conversations: [
        {
          name: 'codex',
          steps: [
            simStep.bash('echo hi > a.txt', 'write a', 'Running it.'),
            simStep.write('{{cwd}}/b.txt', "it's b"),
            simStep.text('done'),
            simStep.error(400, { message: 'scripted refusal' }),
          ],
        },
        {
          name: 'gemini',
          steps: [
            simStep.bash('echo hi > a.txt'),
            simStep.text('All done here, thanks.'),
            simStep.error(429, { message: 'quota' }),
          ],
        },
      ],
    },
  });
});
afterAll(() => sim.close());

// biome-ignore lint/suspicious/noExplicitAny: the tests walk loose wire JSON by known paths
type Wire = Record<string, any>;

const sse = (text: string) =>
  text
    .split(/\r?\n\r?\n/)
    .map((chunk) => /^data: (.*)$/m.exec(chunk)?.[1])
    .filter((d): d is string => d !== undefined)
    .map((d) => JSON.parse(d) as Wire);

const codexBody = (input: unknown[]) => ({
  model: 'flotilla-sim',
  stream: true,
  tools: [{ type: 'function', name: 'exec_command' }],
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
    {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: '<environment_context>\n  <cwd>/w/repo</cwd>\n</environment_context>' },
      ],
    },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[[sim:codex]] go' }] },
    ...input,
  ],
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('OpenAI Responses dialect (codex)', () => {
  it('streams created, item added/done, completed; Bash becomes exec_command {cmd}', async () => {
    const res = await post('/v1/responses', codexBody([]), { 'session-id': 'thread-1' });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = sse(await res.text());
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_text.delta',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    const call = events[5]?.item;
    expect(call).toMatchObject({ type: 'function_call', name: 'exec_command' });
    expect(JSON.parse(call.arguments)).toEqual({ cmd: 'echo hi > a.txt' });
    expect(events.at(-1)?.response.usage.total_tokens).toBeGreaterThan(0);
    const rec = sim.requests.at(-1);
    expect(rec).toMatchObject({ api: 'openai-responses', sessionId: 'thread-1', cwd: '/w/repo', step: 0 });
    expect(rec?.firstUserText).toBe('[[sim:codex]] go');
  });

  it('records the tool output sent back; Write becomes a quoted printf', async () => {
    const res = await post(
      '/v1/responses',
      codexBody([
        { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'call_1' },
        { type: 'function_call_output', call_id: 'call_1', output: 'exit 0: wrote a' },
      ]),
      { 'session-id': 'thread-1' },
    );
    const done = sse(await res.text()).filter((e) => e.type === 'response.output_item.done');
    expect(JSON.parse(done[0]?.item.arguments).cmd).toBe(`printf '%s' 'it'\\''s b' > '/w/repo/b.txt'`);
    expect(sim.requests.at(-1)?.toolResults).toEqual([
      { toolUseId: 'call_1', content: 'exit 0: wrote a', isError: false },
    ]);
  });

  it('answers a scripted error with the OpenAI error body', async () => {
    await (await post('/v1/responses', codexBody([]), { 'session-id': 'thread-1' })).text();
    const res = await post('/v1/responses', codexBody([]), { 'session-id': 'thread-1' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { message: 'scripted refusal' } });
  });
});

const geminiBody = (extra: unknown[] = [], tools = true) => ({
  contents: [
    {
      role: 'user',
      parts: [{ text: '<session_context>\n- **Workspace Directories:**\n  - /w/gem\n</session_context>' }],
    },
    { role: 'user', parts: [{ text: '[[sim:gemini]] go' }] },
    ...extra,
  ],
  ...(tools
    ? { tools: [{ functionDeclarations: [{ name: 'run_shell_command' }, { name: 'write_file' }] }] }
    : {}),
});

describe('Gemini dialect', () => {
  it('streams data chunks: Bash becomes run_shell_command, the last chunk has finishReason and usage', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', geminiBody());
    const chunks = sse(await res.text());
    expect(chunks[0]?.candidates[0].content.parts[0].functionCall).toMatchObject({
      name: 'run_shell_command',
      args: { command: 'echo hi > a.txt' },
    });
    expect(chunks.at(-1)?.candidates[0].finishReason).toBe('STOP');
    expect(chunks.at(-1)?.usageMetadata.totalTokenCount).toBeGreaterThan(0);
    expect(sim.requests.at(-1)).toMatchObject({ api: 'gemini', cwd: '/w/gem', step: 0 });
  });

  it('records functionResponse output; text arrives in several chunks', async () => {
    const res = await post(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      geminiBody([
        { role: 'model', parts: [{ functionCall: { name: 'run_shell_command', args: {} } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { id: 'c1', name: 'run_shell_command', response: { output: 'ok' } } }],
        },
      ]),
    );
    const text = sse(await res.text())
      .map((c) => c.candidates[0].content.parts[0].text)
      .join('');
    expect(text).toBe('All done here, thanks.');
    expect(sim.requests.at(-1)?.toolResults).toEqual([{ toolUseId: 'c1', content: 'ok', isError: false }]);
  });

  it('gives a side request that wants JSON `{}`, and a scripted 429 the Google error body', async () => {
    const side = await post('/v1beta/models/gemini-2.5-flash-lite:generateContent', {
      ...geminiBody([], false),
      generationConfig: { responseMimeType: 'application/json' },
    });
    expect(((await side.json()) as Wire).candidates[0].content.parts[0].text).toBe('{}');
    expect(sim.requests.at(-1)?.kind).toBe('fallback');
    const res = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', geminiBody());
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' },
    });
  });
});
