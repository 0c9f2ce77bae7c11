import { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/proc/index.js';

/**
 * The newest Claude Code on npm, for e2e tests that run on the pinned version and on the one
 * users actually have (it updates weekly). It declares Node 22 but runs on Node 20 after an
 * EBADENGINE warning, so it cannot be a devDependency; it is installed into a cache directory
 * outside the repo, once per version, and reused by every checkout and run on the machine.
 *
 * Layout: `<cache>/claude-code/<version>/node_modules/.bin/claude`, and `latest.json` saying which
 * version was newest when the registry was last asked. The registry is asked at most once a day
 * (tests run many times a day; a one-day-old "newest" is fine), and on every CI run. An install goes to a temp dir
 * renamed into place, so a concurrent run (other engineers, CI) never sees half a package.
 *
 * Nothing here fails a test run: any problem becomes a skip reason that the tests print.
 */

const PACKAGE = '@anthropic-ai/claude-code';
const CHECK_EVERY_MS = 24 * 60 * 60 * 1000;
/** The package is ~380 MB (native binary); a cold download on CI takes about a minute. */
const INSTALL_TIMEOUT_MS = 5 * 60 * 1000;
const VIEW_TIMEOUT_MS = 30_000;

/** The newest Claude Code, ready to run, or why it is not. */
export type LatestClaude =
  | { ok: true; version: string; path: string; installMs: number | null }
  | { ok: false; reason: string };

/** `$FLOTILLA_TEST_CACHE`, else `$XDG_CACHE_HOME/flotilla-test`, else `~/.cache/flotilla-test`. */
export function testCacheDir(): string {
  if (process.env.FLOTILLA_TEST_CACHE) return process.env.FLOTILLA_TEST_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flotilla-test');
}

const root = () => join(testCacheDir(), 'claude-code');
const binOf = (version: string) => join(root(), version, 'node_modules', '.bin', 'claude');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface LatestRecord {
  version: string;
  checkedAt: number;
}

function readRecord(): LatestRecord | null {
  try {
    const r = JSON.parse(readFileSync(join(root(), 'latest.json'), 'utf8')) as LatestRecord;
    return typeof r.version === 'string' && typeof r.checkedAt === 'number' ? r : null;
  } catch {
    return null;
  }
}

function writeRecord(version: string): void {
  const tmp = join(root(), `latest.json.${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify({ version, checkedAt: Date.now() })}\n`);
  renameSync(tmp, join(root(), 'latest.json'));
}

async function install(version: string): Promise<void> {
  const tmp = join(root(), `.${version}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    // The postinstall links the platform's native binary (an optional dependency) to bin/claude.exe.
    await run(
      'npm',
      ['install', '--prefix', tmp, `${PACKAGE}@${version}`, '--no-audit', '--no-fund', '--no-save'],
      { timeoutMs: INSTALL_TIMEOUT_MS, env: { ...process.env, npm_config_loglevel: 'error' } },
    );
    const bin = join(tmp, 'node_modules', '.bin', 'claude');
    if (!executable(bin)) throw new Error(`npm install left no executable ${bin}`);
    try {
      renameSync(tmp, join(root(), version));
    } catch (err) {
      // Another run installed the same version first: theirs is as good as ours.
      if (!executable(binOf(version))) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Make sure the newest Claude Code is in the cache; bounded (30 s registry look-up, 5 min
 * install). `FLOTILLA_TEST_CLAUDE_LATEST=off` skips it, `=<path>` uses that binary instead.
 */
export async function ensureLatestClaude(): Promise<LatestClaude> {
  const override = process.env.FLOTILLA_TEST_CLAUDE_LATEST;
  if (override === 'off') return { ok: false, reason: 'FLOTILLA_TEST_CLAUDE_LATEST=off' };
  if (override) {
    if (!executable(override))
      return { ok: false, reason: `FLOTILLA_TEST_CLAUDE_LATEST=${override} is not executable` };
    const v = await run(override, ['--version'], { allowFailure: true, timeoutMs: 20_000 });
    return {
      ok: true,
      version: /\d+\.\d+\.\d+/.exec(v.stdout)?.[0] ?? 'unknown',
      path: override,
      installMs: null,
    };
  }
  const record = readRecord();
  const cached = record !== null && executable(binOf(record.version)) ? record.version : null;
  // CI asks every run (one ~1 s look-up): it is where a new release should show up first.
  const fresh = !process.env.CI && Date.now() - (record?.checkedAt ?? 0) < CHECK_EVERY_MS;
  if (cached !== null && fresh) {
    return { ok: true, version: cached, path: binOf(cached), installMs: null };
  }
  try {
    mkdirSync(root(), { recursive: true });
    const view = await run('npm', ['view', `${PACKAGE}@latest`, 'version'], { timeoutMs: VIEW_TIMEOUT_MS });
    const version = view.stdout.trim();
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`npm view printed ${JSON.stringify(version)}`);
    let installMs: number | null = null;
    if (!executable(binOf(version))) {
      const started = performance.now();
      await install(version);
      installMs = Math.round(performance.now() - started);
    }
    writeRecord(version);
    return { ok: true, version, path: binOf(version), installMs };
  } catch (err) {
    const why = (err as Error).message.split('\n').slice(0, 3).join(' ');
    // Offline today but installed before: an older "newest" is still worth testing.
    if (cached !== null) return { ok: true, version: cached, path: binOf(cached), installMs: null };
    return { ok: false, reason: `could not install the newest ${PACKAGE}: ${why}` };
  }
}
