import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CLAUDE_CODE_NEWEST_TESTED } from '../../agents/claude-code/tested.js';
import { isFlotillaError } from '../../domain/errors.js';
import type { CliContext, Runner } from '../context.js';
import { paint } from '../output.js';

/** One line of `flotilla doctor`. `warn` does not fail the run; `fail` does. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

const INSTALL_HINTS: Record<string, string> = {
  'claude-code': 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
  aider: 'python -m pip install aider-install && aider-install',
};

const message = (e: unknown) => (isFlotillaError(e) ? e.message : e instanceof Error ? e.message : String(e));
const hintOf = (e: unknown) => (isFlotillaError(e) ? e.hint : undefined);

/** `major.minor[.patch]` ≥ `min`, comparing numerically. */
export function versionAtLeast(found: string, min: string): boolean {
  const a = found.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const b = min.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * A Claude Code newer than any Flotilla was tested with may draw its dialogs differently (2.1.332
 * dropped the option numbers of its first-run dialogs): worth a warning, not a failure.
 */
function claudeVersionCheck(name: string, command: string, version: string, isDefault: boolean): DoctorCheck {
  const detail = `${command} ${version}${isDefault ? ' (default)' : ''}`;
  const newer = /^\d+\.\d+\.\d+$/.test(version) && !versionAtLeast(CLAUDE_CODE_NEWEST_TESTED, version);
  if (!newer) return { name, status: 'ok', detail: `${detail}, tested up to ${CLAUDE_CODE_NEWEST_TESTED}` };
  return {
    name,
    status: 'warn',
    detail: `${detail}: newer than ${CLAUDE_CODE_NEWEST_TESTED}, the newest Claude Code Flotilla was tested with`,
    fix: `statuses and approvals read its screen and may misread a changed one; if they do, install @anthropic-ai/claude-code@${CLAUDE_CODE_NEWEST_TESTED} and report it`,
  };
}

async function toolVersion(command: string, args: string[]): Promise<string | null> {
  const { run, which } = await import('../../proc/index.js');
  if (!which(command)) return null;
  const result = await run(command, args, { allowFailure: true, timeoutMs: 10_000 }).catch(() => null);
  if (!result) return null;
  const text = `${result.stdout}\n${result.stderr}`;
  return /(\d+\.\d+(?:\.\d+)?[a-z]?)/.exec(text)?.[1] ?? (text.trim().split('\n')[0] || 'unknown version');
}

export async function runChecks(ctx: CliContext): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const nodeOk = versionAtLeast(process.versions.node, '20.19');
  checks.push({
    name: 'node',
    status: nodeOk ? 'ok' : 'fail',
    detail: process.versions.node,
    ...(nodeOk ? {} : { fix: 'install Node.js 20.19 or newer (22 or 24 recommended)' }),
  });

  const git = await toolVersion('git', ['--version']);
  checks.push(
    git === null
      ? {
          name: 'git',
          status: 'fail',
          detail: 'not found',
          fix: 'apt-get install git (macOS: xcode-select --install)',
        }
      : versionAtLeast(git, '2.25')
        ? { name: 'git', status: 'ok', detail: git }
        : { name: 'git', status: 'fail', detail: `${git} is too old (need ≥ 2.25)`, fix: 'upgrade git' },
  );

  const tmux = await toolVersion('tmux', ['-V']);
  checks.push(
    tmux === null
      ? {
          name: 'tmux',
          status: 'fail',
          detail: 'not found',
          fix: 'apt-get install tmux (macOS: brew install tmux)',
        }
      : versionAtLeast(tmux.replace(/[a-z]$/, ''), '3.2')
        ? { name: 'tmux', status: 'ok', detail: tmux }
        : {
            name: 'tmux',
            status: 'fail',
            detail: `${tmux} is too old (need ≥ 3.2)`,
            fix: 'upgrade tmux to 3.2 or newer',
          },
  );

  // State dir: create it and prove a file can be written there.
  try {
    const { ensureStateDir } = await import('../../config/paths.js');
    ensureStateDir(ctx.paths);
    const probe = join(ctx.paths.home, `.doctor-${randomBytes(4).toString('hex')}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    checks.push({ name: 'state dir', status: 'ok', detail: ctx.paths.home });
  } catch (e) {
    checks.push({
      name: 'state dir',
      status: 'fail',
      detail: message(e),
      fix: hintOf(e) ?? `make ${ctx.paths.home} writable, or set FLOTILLA_HOME to a writable directory`,
    });
  }

  try {
    const { databaseVersion } = await import('../../core/local.js');
    const version = await databaseVersion(ctx.paths);
    checks.push({ name: 'database', status: 'ok', detail: `${ctx.paths.dbFile} (schema v${version})` });
  } catch (e) {
    checks.push({
      name: 'database',
      status: 'fail',
      detail: message(e),
      fix: hintOf(e) ?? 'see the error above',
    });
  }

  let agents: Array<[string, { command: string; adapter: string }]> = [];
  let defaultAgent = 'claude-code';
  try {
    const loaded = await ctx.config();
    agents = Object.entries(loaded.config.agents);
    defaultAgent = loaded.config.agent;
    checks.push({
      name: 'config',
      status: 'ok',
      detail: loaded.files.length > 0 ? loaded.files.join(', ') : 'defaults (no config file)',
    });
  } catch (e) {
    checks.push({
      name: 'config',
      status: 'fail',
      detail: message(e),
      fix: hintOf(e) ?? 'fix the file named above',
    });
  }

  for (const [name, entry] of agents) {
    const version = await toolVersion(entry.command, ['--version']);
    const isDefault = name === defaultAgent;
    if (version !== null && entry.adapter === 'claude-code') {
      checks.push(claudeVersionCheck(`agent ${name}`, entry.command, version, isDefault));
    } else if (version !== null) {
      checks.push({
        name: `agent ${name}`,
        status: 'ok',
        detail: `${entry.command} ${version}${isDefault ? ' (default)' : ''}`,
      });
    } else {
      const install =
        INSTALL_HINTS[entry.adapter] ?? `install ${entry.command} or fix agents.${name}.command`;
      checks.push({
        name: `agent ${name}`,
        status: isDefault ? 'fail' : 'warn',
        detail: `${entry.command} not found on PATH${isDefault ? ' (it is the default agent)' : ' (optional)'}`,
        fix: isDefault ? `${install}, or choose another default with \`agent:\` in flotilla.yaml` : install,
      });
    }
  }
  return checks;
}

function render(ctx: CliContext, checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks
    .map((c) => {
      const mark =
        c.status === 'ok'
          ? paint(ctx.style, 'green', '✓')
          : c.status === 'warn'
            ? paint(ctx.style, 'yellow', '!')
            : paint(ctx.style, 'red', '✗');
      const fix =
        c.fix && c.status !== 'ok'
          ? `\n  ${' '.repeat(width)}  ${paint(ctx.style, 'dim', 'fix:')} ${c.fix}`
          : '';
      return `${mark} ${c.name.padEnd(width)}  ${c.detail}${fix}`;
    })
    .join('\n');
}

export function registerDoctorCommand(program: Command, run: Runner): void {
  program
    .command('doctor')
    .description('check git, tmux, the agent CLIs, the state dir, the database and the config')
    .option('--json', 'print JSON: {ok, checks}')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const checks = await runChecks(ctx);
        const ok = checks.every((c) => c.status !== 'fail');
        if (opts.json) ctx.json({ ok, checks });
        else ctx.out(render(ctx, checks));
        if (!ok) ctx.exitCode = 1;
      }),
    );
}
