import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What Gemini CLI needs to talk to the sim server with nobody at the keyboard: the base URL and
 * an API key in the environment, and a HOME whose `.gemini/settings.json` picks API-key auth
 * (no sign-in screen), turns off usage statistics, telemetry and update checks, and whose
 * `.gemini/trustedFolders.json` trusts the work folders (headless runs refuse an untrusted
 * folder). Measured with gemini-cli 0.61.0; never point this at a user's real HOME.
 */

export const GEMINI_SIM_MODEL = 'gemini-2.5-flash';

export interface SeedGeminiHomeOptions {
  /** Folders (and everything below them) Gemini CLI trusts. */
  trustedPaths?: readonly string[];
  model?: string;
}

/** Write `<home>/.gemini/settings.json` and `trustedFolders.json`. */
export async function seedGeminiHome(home: string, options: SeedGeminiHomeOptions = {}): Promise<void> {
  const dir = join(home, '.gemini');
  await mkdir(dir, { recursive: true });
  const settings = {
    general: { disableAutoUpdate: true, disableUpdateNag: true, enableAutoUpdate: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: true } },
    // A fixed model: the default `auto` asks a router model first, one more side request per turn.
    model: { name: options.model ?? GEMINI_SIM_MODEL },
    ui: { hideTips: true, hideBanner: true },
  };
  await writeFile(join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  const trusted = Object.fromEntries((options.trustedPaths ?? []).map((p) => [p, 'TRUST_FOLDER']));
  await writeFile(join(dir, 'trustedFolders.json'), `${JSON.stringify(trusted, null, 2)}\n`);
}

/** Environment for a gemini run against the sim at `baseUrl` (merge over one with PATH). */
export function simGeminiEnv(home: string, baseUrl: string): Record<string, string> {
  return {
    HOME: home,
    GEMINI_API_KEY: 'sim-flotilla-gemini-key',
    GOOGLE_GEMINI_BASE_URL: baseUrl,
    GEMINI_TELEMETRY_ENABLED: 'false',
    // Sandboxing would start a container; the e2e namespace is the sandbox here.
    GEMINI_SANDBOX: 'false',
  };
}
