import { describe, expect, it } from 'vitest';
import { decideByRules, parseRule, ruleProblem } from '../../../src/domain/permission-rules.js';

const ctx = { cwd: '/work/tree', home: '/home/u' };
const bash = (command: string) => ({ tool: 'Bash', input: { command } });
const decide = (allow: string[], deny: string[], call: { tool: string; input: Record<string, unknown> }) =>
  decideByRules({ allow, deny }, call, ctx);

describe("permission rules in Claude Code's syntax", () => {
  it('parses Tool and Tool(specifier), and names what is not a rule', () => {
    expect(parseRule('Bash')).toEqual({ tool: 'Bash', specifier: null });
    expect(parseRule('Bash(npm test:*)')).toEqual({ tool: 'Bash', specifier: 'npm test:*' });
    expect(parseRule('Edit(*)')).toEqual({ tool: 'Edit', specifier: null });
    expect(ruleProblem('Bash(npm')).toMatch(/not a permission rule/);
    expect(ruleProblem('Read(src/**)')).toBeNull();
  });

  it('Bash prefix rules: the command itself or followed by arguments, never a longer word', () => {
    expect(decide(['Bash(npm test:*)'], [], bash('npm test'))).toEqual({
      decision: 'allow',
      rule: 'Bash(npm test:*)',
    });
    expect(decide(['Bash(npm test:*)'], [], bash('npm test -- --watch'))?.decision).toBe('allow');
    expect(decide(['Bash(npm test:*)'], [], bash('npm testing'))).toBeNull();
    expect(decide(['Bash(npm test)'], [], bash('npm test --x'))).toBeNull();
    expect(decide(['Bash(git *)'], [], bash('git status'))?.decision).toBe('allow');
  });

  it('a compound command is allowed only when every part is, and denied when any part is', () => {
    expect(decide(['Bash(npm test:*)'], [], bash('npm test && rm -rf /'))).toBeNull();
    expect(decide(['Bash(npm test:*)', 'Bash(git status)'], [], bash('npm test; git status'))).toEqual({
      decision: 'allow',
      rule: 'Bash(npm test:*), Bash(git status)',
    });
    expect(decide(['Bash'], ['Bash(rm:*)'], bash('ls | rm -rf x'))).toEqual({
      decision: 'deny',
      rule: 'Bash(rm:*)',
    });
    // An operator inside quotes does not split the command.
    expect(decide(['Bash(echo:*)'], [], bash('echo "a && b"'))?.decision).toBe('allow');
  });

  it('substitutions and redirections are never allowed by a specific rule', () => {
    expect(decide(['Bash(echo:*)'], [], bash('echo $(cat ~/.ssh/id_rsa)'))).toBeNull();
    expect(decide(['Bash(echo:*)'], [], bash('echo `id`'))).toBeNull();
    expect(decide(['Bash(echo:*)'], [], bash('echo x > ~/.bashrc'))).toBeNull();
    expect(decide(['Bash(echo:*)'], [], bash("echo '>'"))?.decision).toBe('allow');
    // A bare Bash rule allows everything, as in Claude Code.
    expect(decide(['Bash'], [], bash('echo $(id) > f'))?.decision).toBe('allow');
  });

  it('deny rules win over allow rules', () => {
    expect(decide(['Bash'], ['Bash(git push:*)'], bash('git push origin main'))).toEqual({
      decision: 'deny',
      rule: 'Bash(git push:*)',
    });
    expect(
      decide(['Edit'], ['Edit(secrets/**)'], { tool: 'Write', input: { file_path: '/work/tree/secrets/a' } })
        ?.decision,
    ).toBe('deny');
  });

  it('path rules: relative to the worktree, // absolute, ~ in HOME; Edit covers the editing tools', () => {
    const edit = (file_path: string, tool = 'Edit') => ({ tool, input: { file_path } });
    expect(decide(['Edit(src/**)'], [], edit('/work/tree/src/a/b.ts'))?.decision).toBe('allow');
    expect(decide(['Edit(src/**)'], [], edit('/work/tree/test/a.ts'))).toBeNull();
    expect(decide(['Edit(/src/*.ts)'], [], edit('/work/tree/src/a.ts', 'Write'))?.decision).toBe('allow');
    expect(decide(['Edit(/src/*.ts)'], [], edit('/work/tree/src/a/b.ts'))).toBeNull();
    expect(decide(['Edit(//etc/**)'], [], edit('/etc/passwd', 'MultiEdit'))?.decision).toBe('allow');
    expect(decide(['Read(~/notes/**)'], [], edit('/home/u/notes/x.md', 'Read'))?.decision).toBe('allow');
    expect(decide(['Edit(src)'], [], edit('/work/tree/src/deep/file.ts'))?.decision).toBe('allow');
    // A path that climbs out of the folder is judged where it lands.
    expect(decide(['Edit(src/**)'], [], edit('/work/tree/src/../../etc/x'))).toBeNull();
    expect(decide(['Read'], [], edit('/x', 'Edit'))).toBeNull();
  });

  it('WebFetch domains, MCP servers, other tools by name', () => {
    const fetch = (url: string) => ({ tool: 'WebFetch', input: { url } });
    expect(decide(['WebFetch(domain:example.com)'], [], fetch('https://docs.example.com/a'))?.decision).toBe(
      'allow',
    );
    expect(decide(['WebFetch(domain:example.com)'], [], fetch('https://example.com.evil.io/'))).toBeNull();
    expect(decide(['mcp__github'], [], { tool: 'mcp__github__create_issue', input: {} })?.decision).toBe(
      'allow',
    );
    expect(decide(['mcp__github'], [], { tool: 'mcp__githubx__a', input: {} })).toBeNull();
    expect(decide(['TodoWrite'], [], { tool: 'TodoWrite', input: {} })?.decision).toBe('allow');
    expect(decide([], [], bash('ls'))).toBeNull();
  });
});
