import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What Claude Code needs to talk to the sim server without a person at the keyboard: the
 * environment (base URL, key, no vendor traffic) and a pre-answered `$HOME/.claude.json` for a
 * HOME that Flotilla owns (demo, tests). Never point these at the user's real HOME.
 * Measured with 2.1.197; see docs/dev/claude-code-driving.md.
 */

/** The sim accepts any key; this one is recognisable in logs and approved by seedClaudeHome. */
export const SIM_API_KEY = 'sk-sim-flotilla-0123456789abcdefghij';

/**
 * Environment variables that point Claude Code at a Messages API at `baseUrl`. Without
 * CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC the CLI calls the vendor's hosts directly whatever
 * the base URL. Merge over a base environment that has PATH (git, sh) and HOME.
 */
export function simClaudeEnv(baseUrl: string, apiKey: string = SIM_API_KEY): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
}

export interface SeedClaudeHomeOptions {
  /**
   * Folders to mark trusted. Trust is inherited: a folder below a trusted one, and a git
   * worktree of a trusted repository, start without the trust dialog.
   */
  trustedPaths?: readonly string[];
  /** The key whose "Detected a custom API key" dialog is pre-answered "Yes" (matched by its last 20 characters). */
  apiKey?: string;
  /**
   * Also write `$HOME/.claude/settings.json` `{"skipDangerousModePermissionPrompt": true}`, so
   * `--dangerously-skip-permissions` starts without its warning dialog. (The same key in a
   * `--settings` file works too.)
   */
  skipBypassWarning?: boolean;
}

type Json = Record<string, unknown>;

async function readJson(path: string): Promise<Json> {
  try {
    const v: unknown = JSON.parse(await readFile(path, 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
}

const asObject = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};

/**
 * Pre-answer the first-run screens of a fresh HOME: onboarding (which otherwise tries the
 * network and exits 1 offline), the folder trust dialog, and the custom API key dialog (whose
 * preselected answer is "No"). Merges into an existing file, so it can be called per worktree.
 */
export async function seedClaudeHome(home: string, options: SeedClaudeHomeOptions = {}): Promise<void> {
  const file = join(home, '.claude.json');
  const config = await readJson(file);
  config.hasCompletedOnboarding = true;
  const apiKey = options.apiKey ?? SIM_API_KEY;
  const responses = asObject(config.customApiKeyResponses);
  const approved = Array.isArray(responses.approved)
    ? responses.approved.filter((x) => typeof x === 'string')
    : [];
  const tail = apiKey.slice(-20);
  if (!approved.includes(tail)) approved.push(tail);
  config.customApiKeyResponses = {
    ...responses,
    approved,
    rejected: Array.isArray(responses.rejected) ? responses.rejected : [],
  };
  const projects = asObject(config.projects);
  for (const p of options.trustedPaths ?? []) {
    projects[p] = { ...asObject(projects[p]), hasTrustDialogAccepted: true };
  }
  config.projects = projects;
  await mkdir(home, { recursive: true });
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  if (options.skipBypassWarning) {
    const dir = join(home, '.claude');
    await mkdir(dir, { recursive: true });
    const settingsFile = join(dir, 'settings.json');
    const settings = await readJson(settingsFile);
    settings.skipDangerousModePermissionPrompt = true;
    await writeFile(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  }
}
