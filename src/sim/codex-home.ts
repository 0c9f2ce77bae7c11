import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the Codex CLI needs to talk to the sim server with nobody at the keyboard: a CODEX_HOME
 * whose config.toml declares the sim as a custom model provider (`wire_api = "responses"`) and
 * turns off what would leave the machine or stop a fresh HOME (update check, analytics,
 * feedback, the first-run screens). Measured with codex-cli 0.171.0; never point this at a
 * user's real CODEX_HOME.
 */

/** Environment variable the provider reads its key from (the sim accepts any key). */
export const CODEX_SIM_KEY_ENV = 'FLOTILLA_SIM_API_KEY';
export const CODEX_SIM_MODEL = 'flotilla-sim';

export interface SeedCodexHomeOptions {
  /** Folders codex treats as trusted (no "do you trust this folder" screen in the TUI). */
  trustedPaths?: readonly string[];
  /** Model name sent to the sim. */
  model?: string;
}

const tomlString = (s: string): string => JSON.stringify(s);

/** The config.toml text for a sim at `baseUrl` (e.g. http://127.0.0.1:PORT). */
export function codexSimConfig(baseUrl: string, options: SeedCodexHomeOptions = {}): string {
  const lines = [
    `model = ${tomlString(options.model ?? CODEX_SIM_MODEL)}`,
    'model_provider = "flotilla-sim"',
    'check_for_update_on_startup = false',
    // Codex warns about an unknown model's metadata once per run; the sim has none to give.
    'hide_agent_reasoning = true',
    '',
    '[model_providers.flotilla-sim]',
    'name = "Flotilla sim"',
    `base_url = ${tomlString(`${baseUrl.replace(/\/+$/, '')}/v1`)}`,
    'wire_api = "responses"',
    `env_key = ${tomlString(CODEX_SIM_KEY_ENV)}`,
    // A scripted error must reach the agent, not be retried into the next step of the script.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[notice]',
    'hide_full_access_warning = true',
    'hide_rate_limit_model_nudge = true',
    '',
  ];
  for (const p of options.trustedPaths ?? []) {
    lines.push(`[projects.${tomlString(p)}]`, 'trust_level = "trusted"', '');
  }
  return lines.join('\n');
}

/** Write `<home>/.codex/config.toml`; returns the CODEX_HOME to set. */
export async function seedCodexHome(
  home: string,
  baseUrl: string,
  options: SeedCodexHomeOptions = {},
): Promise<string> {
  const codexHome = join(home, '.codex');
  await mkdir(codexHome, { recursive: true });
  await writeFile(join(codexHome, 'config.toml'), codexSimConfig(baseUrl, options), { mode: 0o600 });
  return codexHome;
}

/** Environment for a codex run against the sim (merge over one with PATH). */
export function simCodexEnv(home: string, codexHome: string = join(home, '.codex')): Record<string, string> {
  return {
    HOME: home,
    CODEX_HOME: codexHome,
    [CODEX_SIM_KEY_ENV]: 'sk-sim-flotilla-codex',
    // No OpenAI login is looked for when the provider has its own key; these keep it that way.
    OPENAI_API_KEY: '',
    CODEX_DISABLE_TELEMETRY: '1',
  };
}
