import { describe, expect, it } from 'vitest';
import { CLAUDE_HOOK_EVENTS, claudeCodeAdapter } from '../../../src/agents/claude-code/index.js';
import { CONTINUE_PROMPT } from '../../../src/agents/prompt.js';
import { launchContext, shellWords } from './fixtures.js';

const SESSION = '14379813-7a5a-4b5d-ab5e-03581b934be9';

describe('claude-code launch', () => {
  it('interactive: session id, settings, permission mode, args, then -- and the prompt from a file', () => {
    const spec = claudeCodeAdapter.launch(
      launchContext({ config: { args: ['--model', 'sonnet'], permission_mode: 'acceptEdits' } }),
    );
    expect(spec.argv).toEqual([
      'claude',
      '--session-id',
      SESSION,
      '--settings',
      '/state/agents/ag_123/settings.json',
      '--permission-mode',
      'acceptEdits',
      '--model',
      'sonnet',
      '--mcp-config',
      '/state/agents/ag_123/mcp.json',
      '--',
    ]);
    expect(spec.promptVia).toBe('file-arg');
    expect(spec.promptFile).toBe('/state/agents/ag_123/prompt.txt');
    const prompt = spec.files.find((f) => f.path === spec.promptFile);
    expect(prompt?.content).toBe('Write hello.txt\n\nCommit it.\n');
    expect(spec.env).toMatchObject({ HOME: '/home/dev', FLOTILLA_AGENT_ID: 'ag_123' });
  });

  it('the default permission mode is passed too: without it 2.1.332 starts in auto mode (no dialogs)', () => {
    for (const spec of [
      claudeCodeAdapter.launch(launchContext()),
      claudeCodeAdapter.resume(launchContext()),
    ]) {
      expect(spec.argv[spec.argv.indexOf('--permission-mode') + 1]).toBe('default');
    }
  });

  it('headless: -p with stream-json and --verbose', () => {
    const spec = claudeCodeAdapter.launch(launchContext({ mode: 'headless' }));
    expect(spec.argv.slice(0, 7)).toEqual([
      'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--session-id',
      SESSION,
    ]);
    expect(spec.argv.at(-1)).toBe('--');
    expect(spec.promptVia).toBe('file-arg');
  });

  it('never puts the task text into argv', () => {
    const spec = claudeCodeAdapter.launch(launchContext({ promptText: "rm -rf / '; echo pwned" }));
    expect(spec.argv.join(' ')).not.toContain('pwned');
  });

  it('resume: --resume instead of --session-id, never --continue, no prompt in interactive mode', () => {
    const spec = claudeCodeAdapter.resume(launchContext());
    expect(spec.argv).toContain('--resume');
    expect(spec.argv[spec.argv.indexOf('--resume') + 1]).toBe(SESSION);
    expect(spec.argv).not.toContain('--session-id');
    expect(spec.argv).not.toContain('--continue');
    expect(spec.argv).not.toContain('-c');
    expect(spec.argv).not.toContain('--');
    expect(spec.promptVia).toBe('none');
  });

  it('resume: headless sends the continue prompt, interactive sends resumePrompt when given', () => {
    const headless = claudeCodeAdapter.resume(launchContext({ mode: 'headless' }));
    expect(headless.promptVia).toBe('file-arg');
    expect(headless.files.find((f) => f.path === headless.promptFile)?.content).toBe(CONTINUE_PROMPT);
    const interactive = claudeCodeAdapter.resume(launchContext({ resumePrompt: 'go on' }));
    expect(interactive.argv.at(-1)).toBe('--');
    expect(interactive.files.find((f) => f.path === interactive.promptFile)?.content).toBe('go on');
  });

  it('bypassPermissions acknowledges the bypass warning in its own settings file only', () => {
    const settingsOf = (permission_mode: 'default' | 'bypassPermissions') => {
      const spec = claudeCodeAdapter.launch(launchContext({ config: { permission_mode } }));
      return JSON.parse(spec.files.find((f) => f.path.endsWith('/settings.json'))?.content ?? '{}') as Record<
        string,
        unknown
      >;
    };
    expect(settingsOf('bypassPermissions').skipDangerousModePermissionPrompt).toBe(true);
    expect(settingsOf('default').skipDangerousModePermissionPrompt).toBeUndefined();
    const spec = claudeCodeAdapter.launch(
      launchContext({ config: { permission_mode: 'bypassPermissions' } }),
    );
    expect(spec.files.every((f) => f.path.startsWith('/state/agents/ag_123/'))).toBe(true);
    expect(spec.files.every((f) => f.mode === 0o600)).toBe(true);
  });

  it('refuses a missing or malformed session id', () => {
    expect(() => claudeCodeAdapter.launch(launchContext({ sessionId: null }))).toThrow(/uuid session id/);
    expect(() => claudeCodeAdapter.resume(launchContext({ sessionId: 'x; rm -rf /' }))).toThrow(/uuid/);
  });
});

describe('claude-code hook settings', () => {
  const spec = claudeCodeAdapter.launch(
    launchContext({ hookArgv: ["/opt/it's here/node", '/opt/flotilla/main.js', 'hook'] }),
  );
  const settings = JSON.parse(spec.files.find((f) => f.path.endsWith('settings.json'))?.content ?? '{}') as {
    hooks: Record<
      string,
      { matcher?: string; hooks: { type: string; command: string; timeout: number }[] }[]
    >;
  };

  it('declares every status hook, tool events with matcher *', () => {
    for (const event of [
      'SessionStart',
      'UserPromptSubmit',
      'PreToolUse',
      'PermissionRequest',
      'PostToolUse',
      'Notification',
      'Stop',
      'StopFailure',
      'SessionEnd',
    ]) {
      expect(settings.hooks[event], event).toHaveLength(1);
    }
    expect(Object.keys(settings.hooks).sort()).toEqual([...CLAUDE_HOOK_EVENTS].sort());
    expect(settings.hooks.PreToolUse?.[0]?.matcher).toBe('*');
    expect(settings.hooks.PermissionRequest?.[0]?.matcher).toBe('*');
    expect(settings.hooks.Stop?.[0]?.matcher).toBeUndefined();
    expect(settings.hooks.Stop?.[0]?.hooks[0]).toMatchObject({ type: 'command', timeout: 10 });
  });

  it('runs the sh hook of the agent dir (no Node start-up), quoted, silently and with status 0', () => {
    const command = settings.hooks.PreToolUse?.[0]?.hooks[0]?.command ?? '';
    expect(command.endsWith(' >/dev/null 2>&1 || true')).toBe(true);
    const quoted = command.slice(0, -' >/dev/null 2>&1 || true'.length);
    expect(shellWords(quoted)).toEqual(['/bin/sh', '/state/agents/ag_123/hook.sh', 'PreToolUse']);
  });

  it('writes the sh hook (0600) with the quoted `flotilla hook` argv as its fallback', () => {
    const script = spec.files.find((f) => f.path === '/state/agents/ag_123/hook.sh');
    expect(script?.mode).toBe(0o600);
    expect(script?.content).toContain(`'/opt/it'\\''s here/node' '/opt/flotilla/main.js' 'hook' "$e"`);
    expect(script?.content).toContain(`f='/state/agents/ag_123/events.jsonl'`);
  });
});
