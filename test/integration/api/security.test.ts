import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApiServer } from '../../../src/api/server.js';
import { parseBody } from '../../../src/api/validate.js';
import type { DaemonPlugin } from '../../../src/daemon/plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { daemonFiles } from '../../../src/daemon/state.js';
import { createLogger } from '../../../src/log/logger.js';
import { makeTempHome, rawRequest, type TempHome, testConfig } from '../daemon/helpers.js';
import { tryUpgrade } from './ws-client.js';

const testRoutes: DaemonPlugin = {
  name: 'security-test-routes',
  routes(api) {
    const Echo = z.object({ title: z.string().min(1) });
    api.post('/test/echo', async (request) => parseBody(Echo, request.body));
    api.get('/test/items/:n', async (request) => {
      const { n } = parseBody(z.object({ n: z.coerce.number().int().min(0) }), request.params);
      return { n };
    });
  },
};

let home: TempHome;
let daemon: RunningDaemon;
let origin: string;
let wsBase: string;

beforeAll(async () => {
  home = makeTempHome();
  daemon = await startDaemon({
    paths: home.paths,
    config: testConfig({}, { level: 'debug' }),
    plugins: [testRoutes],
    version: '0.0.0-security',
  });
  origin = daemon.url;
  wsBase = daemon.url.replace(/^http/, 'ws');
});

afterAll(async () => {
  await daemon?.close();
  home?.cleanup();
});

const bearer = () => ({ authorization: `Bearer ${daemon.token}` });

async function login(): Promise<{ code: string; cookie: string; setCookie: string }> {
  const minted = await rawRequest(`${daemon.url}/api/v1/login-codes`, { method: 'POST', headers: bearer() });
  expect(minted.status).toBe(201);
  const { code, url } = minted.json as { code: string; url: string };
  expect(url).toBe(`${daemon.url}/login?code=${code}`);
  const res = await rawRequest(url, { headers: { 'sec-fetch-site': 'none' } });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/');
  const setCookie = String(res.headers['set-cookie']);
  const cookie = /^(flotilla_session=[^;]+)/.exec(setCookie)?.[1];
  if (!cookie) throw new Error(`login set no session cookie: ${setCookie}`);
  return { code, cookie, setCookie };
}

describe('HTTP: token, Host and Origin', () => {
  it('refuses no token and a wrong token with 401', async () => {
    expect((await rawRequest(`${daemon.url}/api/v1/version`)).status).toBe(401);
    const wrong = await rawRequest(`${daemon.url}/api/v1/version`, {
      headers: { authorization: `Bearer ${'x'.repeat(43)}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await rawRequest(`${daemon.url}/api/v1/version`, { headers: bearer() })).status).toBe(200);
  });

  it('refuses a rebinding Host even with the right token', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/version`, {
      headers: { ...bearer(), host: `attacker.example:${daemon.info.port}` },
    });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('refuses a foreign Origin even with the right token', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/version`, {
      headers: { ...bearer(), origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
  });

  it('refuses a cross-site navigation to an API path spelled with escapes, dot segments or double slashes', async () => {
    const navigate = {
      ...bearer(),
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
      'sec-fetch-site': 'cross-site',
    };
    // The plain spelling is refused; each disguise must be too, though the router serves it.
    for (const path of [
      '/api/v1/version',
      '/%61pi/v1/version',
      '/%61%70%69/v1/version',
      '//api/v1/version',
      '/x/../api/v1/version',
      '/%2e/api/v1/version',
    ]) {
      const res = await rawRequest(`${daemon.url}${path}`, { headers: navigate });
      expect(res.status, path).toBe(403);
    }
    // The router does serve the escaped spelling to a caller that is not a foreign page.
    expect((await rawRequest(`${daemon.url}/%61pi/v1/version`, { headers: bearer() })).status).toBe(200);
    // A foreign link to a dashboard page is still a page.
    expect((await rawRequest(`${daemon.url}/agents`, { headers: navigate })).status).not.toBe(403);
  });

  it('sets the security headers on every response, refusals included, and no HSTS over http', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/version`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('WebSocket upgrade (real ws client)', () => {
  const path = '/api/v1/stream';

  it('refuses an upgrade without a token (401) and with a wrong one', async () => {
    expect(await tryUpgrade(`${wsBase}${path}`)).toEqual({ opened: false, status: 401 });
    expect(await tryUpgrade(`${wsBase}${path}`, { protocols: [`flotilla.token.${'y'.repeat(43)}`] })).toEqual(
      { opened: false, status: 401 },
    );
  });

  it('refuses a foreign Origin (cross-site WebSocket hijacking) even with the token', async () => {
    const out = await tryUpgrade(`${wsBase}${path}`, { headers: bearer(), origin: 'https://evil.example' });
    expect(out).toEqual({ opened: false, status: 403 });
    const viaProtocol = await tryUpgrade(`${wsBase}${path}`, {
      protocols: [`flotilla.token.${daemon.token}`],
      origin: 'http://localhost:1',
    });
    expect(viaProtocol).toEqual({ opened: false, status: 403 });
  });

  it('refuses a rebinding Host on the upgrade', async () => {
    const out = await tryUpgrade(`${wsBase}${path}`, {
      headers: { ...bearer(), host: `rebind.example:${daemon.info.port}` },
    });
    expect(out).toEqual({ opened: false, status: 403 });
  });

  it('refuses a cookie-only upgrade without Origin, and lets token holders through the guard', async () => {
    const { cookie } = await login();
    expect(await tryUpgrade(`${wsBase}${path}`, { headers: { cookie } })).toEqual({
      opened: false,
      status: 403,
    });
    // Past the guard: whatever the route answers, it is not an auth refusal.
    for (const out of [
      await tryUpgrade(`${wsBase}${path}`, { headers: bearer() }),
      await tryUpgrade(`${wsBase}${path}`, { protocols: [`flotilla.token.${daemon.token}`] }),
      await tryUpgrade(`${wsBase}${path}`, { headers: { cookie }, origin }),
    ]) {
      expect([401, 403, 429]).not.toContain(out.status);
    }
  });
});

describe('browser login with a single-use code', () => {
  it('sets a strict HttpOnly cookie, which then authenticates reads', async () => {
    const { setCookie, cookie } = await login();
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/); // plain http on loopback
    const res = await rawRequest(`${daemon.url}/api/v1/version`, { headers: { cookie } });
    expect(res.status).toBe(200);
  });

  it('accepts a login code once only, and refuses made-up ones', async () => {
    const { code } = await login();
    const again = await rawRequest(`${daemon.url}/login?code=${code}`);
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect((await rawRequest(`${daemon.url}/login?code=nope`)).status).toBe(401);
    expect((await rawRequest(`${daemon.url}/login`)).status).toBe(401);
  });

  it('refuses a login link followed from another site', async () => {
    const minted = await rawRequest(`${daemon.url}/api/v1/login-codes`, {
      method: 'POST',
      headers: bearer(),
    });
    const { url } = minted.json as { url: string };
    expect((await rawRequest(url, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });

  it('is CSRF-proof: a cookie POST needs our own Origin', async () => {
    const { cookie } = await login();
    const body = JSON.stringify({ title: 'x' });
    const json = { 'content-type': 'application/json', cookie };
    const noOrigin = await rawRequest(`${daemon.url}/api/v1/test/echo`, {
      method: 'POST',
      headers: json,
      body,
    });
    expect(noOrigin.status).toBe(403);
    const foreign = await rawRequest(`${daemon.url}/api/v1/test/echo`, {
      method: 'POST',
      headers: { ...json, origin: 'https://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    const own = await rawRequest(`${daemon.url}/api/v1/test/echo`, {
      method: 'POST',
      headers: { ...json, origin },
      body,
    });
    expect(own.status).toBe(200);
    expect(own.json).toEqual({ title: 'x' });
  });

  it('does not let a session mint login codes, and logout ends the session', async () => {
    const { cookie } = await login();
    const mint = await rawRequest(`${daemon.url}/api/v1/login-codes`, {
      method: 'POST',
      headers: { cookie, origin },
    });
    expect(mint.status).toBe(403);
    const out = await rawRequest(`${daemon.url}/logout`, { method: 'POST', headers: { cookie, origin } });
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await rawRequest(`${daemon.url}/api/v1/version`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('malformed input is always a 4xx', () => {
  it('answers each class of bad request with the error body and a 4xx', async () => {
    const url = `${daemon.url}/api/v1/test/echo`;
    const json = { ...bearer(), 'content-type': 'application/json' };
    const cases: Array<[string, Promise<{ status: number; json: unknown }>, number]> = [
      ['bad JSON', rawRequest(url, { method: 'POST', headers: json, body: '{"title":' }), 400],
      ['empty JSON', rawRequest(url, { method: 'POST', headers: json, body: '' }), 400],
      [
        'wrong content-type',
        rawRequest(url, {
          method: 'POST',
          headers: { ...bearer(), 'content-type': 'text/x-weird' },
          body: 'x',
        }),
        415,
      ],
      [
        'too large',
        rawRequest(url, {
          method: 'POST',
          headers: json,
          body: `{"title":"${'a'.repeat(1024 * 1024 + 10)}"}`,
        }),
        413,
      ],
      ['unknown route', rawRequest(`${daemon.url}/api/v1/nope`, { headers: bearer() }), 404],
      [
        'method not allowed',
        rawRequest(`${daemon.url}/api/v1/version`, { method: 'DELETE', headers: bearer() }),
        404,
      ],
      ['schema violation', rawRequest(url, { method: 'POST', headers: json, body: '{"title":""}' }), 400],
      ['bad param', rawRequest(`${daemon.url}/api/v1/test/items/-3`, { headers: bearer() }), 400],
      ['JSON array body', rawRequest(url, { method: 'POST', headers: json, body: '[1,2]' }), 400],
    ];
    for (const [what, pending, status] of cases) {
      const res = await pending;
      expect(res.status, what).toBe(status);
      expect(res.json, what).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      });
    }
  });
});

describe('requests node cannot parse', () => {
  const rawExchange = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(daemon.info.port, '127.0.0.1', () => socket.end(text));
      let out = '';
      socket.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });

  it('answers an oversized URL with 431 and the standard error body', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/repos?path=${'x'.repeat(20_000)}`, {
      headers: bearer(),
    });
    expect(res.status).toBe(431);
    expect(res.json).toMatchObject({ error: { code: 'INVALID_INPUT', issues: [] } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a malformed request line with 400 and the standard error body', async () => {
    const answer = await rawExchange('BLAH / HTTP/9.9\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'INVALID_INPUT' },
    });
  });
});

describe('secrets never reach the log', () => {
  it('keeps the token, login codes, session ids and cookies out of daemon.log', async () => {
    const { code, cookie } = await login();
    await rawRequest(`${daemon.url}/api/v1/version?token=${daemon.token}`, { headers: { cookie } });
    await rawRequest(`${daemon.url}/login?code=${code}&token=${daemon.token}`);
    const logFile = daemonFiles(home.paths).logFile;
    const deadline = Date.now() + 5_000;
    let log = '';
    while (Date.now() < deadline) {
      log = readFileSync(logFile, 'utf8');
      if (log.includes('/login?code=[redacted]')) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(log, 'the request log never showed the redacted login URL').toContain('/login?code=[redacted]');
    expect(log).not.toContain(daemon.token);
    expect(log).not.toContain(code);
    expect(log).not.toContain(cookie.split('=')[1]);
    expect(log.toLowerCase()).not.toContain('authorization');
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After to a client guessing tokens', async () => {
    let limited: Awaited<ReturnType<typeof rawRequest>> | undefined;
    for (let i = 0; i < 200 && limited === undefined; i++) {
      const res = await rawRequest(`${daemon.url}/api/v1/version`, {
        headers: { authorization: `Bearer guess${i}` },
      });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(401);
    }
    expect(limited, 'no 429 after 200 wrong tokens').toBeDefined();
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited?.json).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it('keeps a separate bucket for agents hook pokes', async () => {
    const app = await buildApiServer({
      token: 't'.repeat(43),
      version: 'x',
      logger: createLogger({
        logDir: home.dir,
        file: 'unused.log',
        level: 'silent',
        stderrLevel: 'silent',
        maxFileBytes: 1e6,
        maxFiles: 1,
        pretty: false,
      }),
      bindHost: '127.0.0.1',
      allowedHosts: [],
      onStopRequested: () => {},
      rateLimits: {
        default: { perSecond: 0.001, burst: 3 },
        hooks: { perSecond: 0.001, burst: 50 },
        login: { perSecond: 0.001, burst: 1 },
        anonymous: { perSecond: 0.001, burst: 1 },
      },
      routes: [
        (api) => {
          api.post('/agents/:id/hook-events', async () => ({ read: 1 }));
        },
      ],
    });
    try {
      const headers = { authorization: `Bearer ${'t'.repeat(43)}`, host: '127.0.0.1' };
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await app.inject({ url: '/api/v1/version', headers })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      for (let i = 0; i < 20; i++) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/agents/a-1/hook-events', headers });
        expect(res.statusCode).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});
