import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePaths, type StatePaths } from '../../../src/config/paths.js';
import { type Config, defaultConfig } from '../../../src/config/schema.js';

/** A private state dir (and HOME) for one test; nothing of the user's is touched. */
export interface TempHome {
  dir: string;
  env: NodeJS.ProcessEnv;
  paths: StatePaths;
  cleanup(): void;
}

export function makeTempHome(): TempHome {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-daemon-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: join(dir, 'home'),
    FLOTILLA_HOME: join(dir, 'state'),
    XDG_CONFIG_HOME: join(dir, 'home', '.config'),
    XDG_DATA_HOME: join(dir, 'home', '.local', 'share'),
    NO_COLOR: '1',
    FLOTILLA_SERVER__PORT: '0',
  };
  return { dir, env, paths: resolvePaths(env), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Defaults with port 0 (any free port), plus overrides of the server section. */
export function testConfig(server: Partial<Config['server']> = {}, log: Partial<Config['log']> = {}): Config {
  const c = defaultConfig();
  return { ...c, server: { ...c.server, port: 0, ...server }, log: { ...c.log, ...log } };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** One HTTP request with exactly the headers given (the real client would add its own). */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // The path goes on the wire as written: parsing the whole URL would resolve `..` and `.`
    // segments here, and a test of how the server routes them would test the client instead.
    const origin = new URL(url);
    const path = url.slice(origin.origin.length) || '/';
    const req = request(
      {
        host: origin.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: origin.port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
