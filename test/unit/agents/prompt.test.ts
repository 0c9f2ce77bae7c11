import { describe, expect, it } from 'vitest';
import { buildPromptText, COMMIT_INSTRUCTION, NO_COMMIT_INSTRUCTION } from '../../../src/agents/prompt.js';

describe('buildPromptText', () => {
  it('the prompt, then the commit instruction', () => {
    const text = buildPromptText({ title: 'Greeting', prompt: '  Write hello.txt  ' }, { autoCommit: true });
    expect(text).toBe(`Write hello.txt\n\n${COMMIT_INSTRUCTION}\n`);
    expect(text).toMatch(/commit/i);
    expect(text).toMatch(/do not push/i);
  });

  it('the title when the prompt is empty', () => {
    expect(
      buildPromptText({ title: 'Fix the login bug', prompt: ' \n' }, { autoCommit: true }).startsWith(
        'Fix the login bug\n\n',
      ),
    ).toBe(true);
  });

  it('auto_commit off says not to commit', () => {
    const text = buildPromptText({ title: 't', prompt: 'p' }, { autoCommit: false });
    expect(text).toContain(NO_COMMIT_INSTRUCTION);
    expect(text).not.toContain(COMMIT_INSTRUCTION);
    expect(text).toMatch(/do not commit/i);
  });

  it('is never a single word (a CLI could take it for a subcommand)', () => {
    expect(
      buildPromptText({ title: 'update', prompt: '' }, { autoCommit: false }).trim().split(/\s+/).length,
    ).toBeGreaterThan(1);
  });
});
