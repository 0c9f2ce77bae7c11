import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LaunchSpec } from '../../../src/agents/types.js';
import { run } from '../../../src/proc/index.js';
import { ENV_FILE_VAR, writeEnvFile } from '../../../src/supervisor/env-file.js';
import { LAUNCHER_NAME, launcherCommand, resolveAgentCommand } from '../../../src/supervisor/launcher.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = (promptVia: LaunchSpec['promptVia']): LaunchSpec => ({
  argv: [],
  env: {},
  files: [],
  promptVia,
});
const PRINT_ARGS = ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))'];
const HOSTILE = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax that must arrive uninterpreted
  'rm -rf / $(touch pwned) `touch pwned2` ${HOME} $((1+1))',
  `"double" 'single' \\back\\slash ; & | > < * ? [a] ~ #`,
  'unicode: é 😀 \u202e',
  'trailing newlines stay\n\n',
].join('\n');

describe('launcher', () => {
  it('passes the prompt file as the last argument, byte for byte, interpreting nothing', async () => {
    const promptFile = join(dir, 'prompt.txt');
    writeFileSync(promptFile, HOSTILE);
    const cmd = launcherCommand(spec('file-arg'), [process.execPath, ...PRINT_ARGS, 'first arg'], promptFile);
    expect(cmd.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(cmd.argv[3]).toBe(LAUNCHER_NAME);
    expect(cmd.argv.join(' ')).not.toContain('pwned');
    const result = await run(cmd.argv[0]!, cmd.argv.slice(1), {
      cwd: dir,
      env: { ...process.env, ...cmd.env },
    });
    expect(JSON.parse(result.stdout)).toEqual(['first arg', HOSTILE]);
    expect(result.stderr).toBe('');
  });

  it('feeds the prompt on stdin when asked to', async () => {
    const promptFile = join(dir, 'stdin.txt');
    writeFileSync(promptFile, HOSTILE);
    const cmd = launcherCommand(spec('stdin'), ['/bin/cat'], promptFile);
    const result = await run(cmd.argv[0]!, cmd.argv.slice(1), { env: { ...process.env, ...cmd.env } });
    expect(result.stdout).toBe(HOSTILE);
  });

  it('runs argv as is for the other modes, through a constant script', async () => {
    const cmd = launcherCommand(spec('argv'), [process.execPath, ...PRINT_ARGS, 'a;', '$(b)'], null);
    expect(cmd.env).toEqual({});
    const result = await run(cmd.argv[0]!, cmd.argv.slice(1));
    expect(JSON.parse(result.stdout)).toEqual(['a;', '$(b)']);
  });

  it('loads the environment from its file, byte for byte, then empties the file', async () => {
    const envFile = join(dir, 'launch.env');
    writeEnvFile(envFile, { SECRET: HOSTILE, OTHER: "it's" });
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const print =
      'process.stdout.write(JSON.stringify([process.env.SECRET, process.env.OTHER, process.env.FLOTILLA_ENV_FILE ?? null]))';
    const cmd = launcherCommand(spec('argv'), [process.execPath, '-e', print], null, true);
    expect(cmd.argv.join(' ')).not.toContain('pwned');
    const result = await run(cmd.argv[0]!, cmd.argv.slice(1), {
      env: { ...process.env, [ENV_FILE_VAR]: envFile },
    });
    expect(JSON.parse(result.stdout)).toEqual([HOSTILE, "it's", null]);
    expect(readFileSync(envFile, 'utf8')).toBe('');
  });

  it('refuses to start without its environment file', async () => {
    const cmd = launcherCommand(spec('argv'), ['/bin/echo', 'ran'], null, true);
    const result = await run(cmd.argv[0]!, cmd.argv.slice(1), {
      env: { ...process.env, [ENV_FILE_VAR]: join(dir, 'missing.env') },
      allowFailure: true,
    });
    expect(result.code).toBe(126);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('cannot read the environment file');
  });

  it('fails clearly when the prompt file cannot be read', async () => {
    const cmd = launcherCommand(spec('file-arg'), ['/bin/echo'], join(dir, 'missing.txt'));
    const result = await run(cmd.argv[0]!, cmd.argv.slice(1), {
      env: { ...process.env, ...cmd.env },
      allowFailure: true,
    });
    expect(result.code).toBe(126);
    expect(result.stderr).toContain('cannot read the prompt file');
  });
});

describe('resolveAgentCommand', () => {
  it('finds a command on the given PATH and returns its absolute path', () => {
    expect(resolveAgentCommand('sh', 'x', 'custom', '/usr/bin:/bin', dir)).toMatch(/^\/(usr\/)?bin\/sh$/);
  });

  it('says which PATH it searched and how to fix it', () => {
    let err: unknown;
    try {
      resolveAgentCommand('claude', 'claude-code', 'claude-code', '/nowhere', dir);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringContaining("on the daemon's PATH (/nowhere)"),
      hint: expect.stringContaining('npm install -g @anthropic-ai/claude-code'),
    });
  });
});
