import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpClient } from '../../../src/cli/http-client.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { daemonFiles, readDaemonInfo } from '../../../src/daemon/state.js';
import type { FlotillaError } from '../../../src/domain/errors.js';
import { run, which } from '../../../src/proc/index.js';
import { makeTempHome, type TempHome, testConfig } from '../daemon/helpers.js';

const homes: TempHome[] = [];
const daemons: RunningDaemon[] = [];
const home = () => {
  const h = makeTempHome();
  homes.push(h);
  return h;
};

afterEach(async () => {
  vi.restoreAllMocks();
  for (const d of daemons.splice(0)) await d.close();
  for (const h of homes.splice(0)) h.cleanup();
});

describe('binding a non-loopback address', () => {
  it('is refused without TLS, with a message saying why and what to do', async () => {
    const h = home();
    const err = (await startDaemon({ paths: h.paths, config: testConfig({ host: '0.0.0.0' }) }).catch(
      (e: unknown) => e,
    )) as FlotillaError;
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(err.message).toMatch(/0\.0\.0\.0.*reachable from other machines.*no TLS/);
    expect(err.hint).toMatch(/server\.tls\.cert/);
    expect(err.hint).toMatch(/--insecure/);
  });

  it('is allowed with --insecure, which warns on stderr and in the log', async () => {
    const h = home();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const d = await startDaemon({
      paths: h.paths,
      config: testConfig({ host: '0.0.0.0' }),
      insecure: true,
    });
    daemons.push(d);
    const warned = stderr.mock.calls.map((c) => String(c[0])).join('');
    stderr.mockRestore();
    expect(warned).toMatch(/WARNING: server\.host is 0\.0\.0\.0.*no TLS/);
    expect(readFileSync(daemonFiles(h.paths).logFile, 'utf8')).toMatch(/WARNING: server\.host is 0\.0\.0\.0/);
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('TLS', () => {
  let certDir: TempHome;
  let cert = '';
  let key = '';
  let otherKey = '';
  let skip = '';

  beforeAll(async () => {
    if (which('openssl') === null) {
      skip = 'openssl is not installed';
      return;
    }
    certDir = home();
    homes.splice(homes.indexOf(certDir), 1); // kept for the whole describe
    cert = join(certDir.dir, 'cert.pem');
    key = join(certDir.dir, 'key.pem');
    otherKey = join(certDir.dir, 'other-key.pem');
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
    const made = await run(
      'openssl',
      [
        'req',
        '-x509',
        ...ec,
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=flotilla-test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { allowFailure: true },
    );
    const other = await run(
      'openssl',
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', otherKey],
      { allowFailure: true },
    );
    if (made.code !== 0 || other.code !== 0) skip = `openssl failed: ${made.stderr}${other.stderr}`;
    return () => certDir.cleanup();
  });

  it('serves https with HSTS, a pinned certificate in daemon.json, and the CLI client trusts only that', async (t) => {
    if (skip) t.skip(skip);
    const h = home();
    const d = await startDaemon({ paths: h.paths, config: testConfig({ tls: { cert, key } }) });
    daemons.push(d);
    expect(d.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const info = readDaemonInfo(h.paths);
    expect(info?.url).toBe(d.url);
    expect(info?.tls?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const pin = { cert: readFileSync(cert, 'utf8'), fingerprint256: info?.tls?.fingerprint256 ?? '' };

    const version = await createHttpClient({ baseUrl: d.url, token: d.token, tls: pin }).request<{
      api: string;
    }>('GET', '/api/v1/version');
    expect(version.api).toBe('v1');

    const wrongPin = {
      ...pin,
      fingerprint256: pin.fingerprint256.replace(/^../, pin.fingerprint256.startsWith('00') ? '11' : '00'),
    };
    const refused = await createHttpClient({ baseUrl: d.url, token: d.token, tls: wrongPin })
      .request('GET', '/api/v1/version')
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'DAEMON_UNREACHABLE' });
    // Without the pin a self-signed certificate is not trusted.
    const unpinned = await createHttpClient({ baseUrl: d.url, token: d.token })
      .request('GET', '/api/v1/version')
      .catch((e: unknown) => e);
    expect(unpinned).toMatchObject({ code: 'DAEMON_UNREACHABLE' });

    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = httpsRequest(
        `${d.url}/api/v1/health`,
        { ca: pin.cert, checkServerIdentity: () => undefined },
        (res) => {
          res.resume();
          resolve(res.headers);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('marks the session cookie Secure over TLS', async (t) => {
    if (skip) t.skip(skip);
    const h = home();
    const d = await startDaemon({ paths: h.paths, config: testConfig({ tls: { cert, key } }) });
    daemons.push(d);
    const pin = {
      cert: readFileSync(cert, 'utf8'),
      fingerprint256: readDaemonInfo(h.paths)?.tls?.fingerprint256 ?? '',
    };
    const { url } = await createHttpClient({ baseUrl: d.url, token: d.token, tls: pin }).request<{
      url: string;
    }>('POST', '/api/v1/login-codes');
    expect(url.startsWith(`${d.url}/login?code=`)).toBe(true);
    const setCookie = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(url, { ca: pin.cert, checkServerIdentity: () => undefined }, (res) => {
        res.resume();
        resolve(String(res.headers['set-cookie']));
      });
      req.on('error', reject);
      req.end();
    });
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict; Secure/);
  });

  it('refuses unreadable and mismatched certificate files with CONFIG_INVALID', async (t) => {
    if (skip) t.skip(skip);
    const h = home();
    const missing = await startDaemon({
      paths: h.paths,
      config: testConfig({ tls: { cert: join(h.dir, 'nope.pem'), key } }),
    }).catch((e: unknown) => e);
    expect(missing).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/cannot read server\.tls\.cert .*ENOENT/),
    });
    const mismatched = await startDaemon({
      paths: h.paths,
      config: testConfig({ tls: { cert, key: otherKey } }),
    }).catch((e: unknown) => e);
    expect(mismatched).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/does not match/),
    });
    const garbage = join(h.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    const bad = await startDaemon({
      paths: h.paths,
      config: testConfig({ tls: { cert: garbage, key } }),
    }).catch((e: unknown) => e);
    expect(bad).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/not a PEM certificate/),
    });
    const half = await startDaemon({
      paths: h.paths,
      config: testConfig({ tls: { cert, key: null } }),
    }).catch((e: unknown) => e);
    expect(half).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/both cert and key/),
    });
  });
});
