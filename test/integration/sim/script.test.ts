import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../../src/domain/errors.js';
import { loadSimScript, parseSimScript, resolvePlaceholders, simStep } from '../../../src/sim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-sim-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function issuesOf(input: unknown): string[] {
  try {
    parseSimScript(input);
  } catch (e) {
    expect(e).toBeInstanceOf(FlotillaError);
    const err = e as FlotillaError;
    expect(err.code).toBe('INVALID_INPUT');
    return err.issues.length > 0 ? err.issues.map((i) => `${i.path}: ${i.message}`) : [err.message];
  }
  throw new Error('the script was accepted');
}

describe('sim script format', () => {
  it('fills in defaults for a minimal script', () => {
    const s = parseSimScript({ conversations: [{ name: 'a', steps: [{ text: 'hi' }] }] });
    expect(s).toMatchObject({
      fallbackText: 'OK.',
      exhaustedText: 'Nothing more to do.',
      conversations: [{ name: 'a', steps: [{ text: 'hi', times: 1 }] }],
    });
  });

  it('round-trips the builders through JSON', () => {
    const steps = [
      simStep.write('{{cwd}}/a.txt', 'a\n', 'writing'),
      simStep.edit('{{cwd}}/a.txt', 'a', 'b'),
      simStep.commitAll('msg'),
      simStep.error(429, { retryAfter: 1, times: 3 }),
      simStep.slow(100, simStep.text('done')),
    ];
    const s = parseSimScript(JSON.parse(JSON.stringify({ conversations: [{ name: 'b', steps }] })));
    expect(
      s.conversations[0]?.steps.map((x) => x.tool?.name ?? (x.error ? `error ${x.error.status}` : x.text)),
    ).toEqual(['Write', 'Edit', 'Bash', 'error 429', 'done']);
    expect(s.conversations[0]?.steps[3]?.times).toBe(3);
  });

  it('locates every problem by its key path', () => {
    const issues = issuesOf({
      conversations: [
        { name: 'a', steps: [{}, { text: 'x', error: { status: 429 } }, { error: { status: 200 } }] },
      ],
    });
    expect(
      issues.some(
        (i) => i.startsWith('conversations.0.steps.0') && i.includes('needs text, tool, tools or error'),
      ),
    ).toBe(true);
    expect(issues.some((i) => i.startsWith('conversations.0.steps.1') && i.includes('not both'))).toBe(true);
    expect(issues.some((i) => i.startsWith('conversations.0.steps.2.error.status'))).toBe(true);
  });

  it('rejects unknown keys, bad names, duplicate names and unknown placeholders', () => {
    expect(issuesOf({ conversations: [{ name: 'a', steps: [{ txt: 'typo' }] }] }).join()).toMatch(/txt/);
    expect(issuesOf({ conversations: [{ name: 'has space', steps: [] }] }).join()).toMatch(/name/);
    expect(
      issuesOf({
        conversations: [
          { name: 'a', steps: [] },
          { name: 'a', steps: [] },
        ],
      }).join(),
    ).toMatch(/declared twice/);
    expect(issuesOf({ conversations: [{ name: 'a', steps: [{ text: '{{cwdd}}' }] }] }).join()).toMatch(
      /\{\{cwdd\}\}/,
    );
  });

  it('loads a JSON file and says which file is broken', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ conversations: [{ name: 'x', steps: [{ text: 'y' }] }] }));
    expect((await loadSimScript(good)).conversations[0]?.name).toBe('x');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "conversations": [ }');
    await expect(loadSimScript(bad)).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(loadSimScript(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('resolves placeholders in nested strings and leaves unavailable ones visible', () => {
    const out = resolvePlaceholders(
      { a: ['{{cwd}}/x', { b: '{{sessionId}}' }], n: 3 },
      { cwd: '/w', sessionId: null },
    );
    // An unresolved {{cwd}} must stay unresolved: a Write to "/x" would land in the root directory.
    expect(out).toEqual({ a: ['/w/x', { b: '{{sessionId}}' }], n: 3 });
  });
});
