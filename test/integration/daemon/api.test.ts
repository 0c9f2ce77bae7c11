import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseBody } from '../../../src/api/validate.js';
import { createHttpClient } from '../../../src/cli/http-client.js';
import type { DaemonPlugin } from '../../../src/daemon/plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { daemonFiles } from '../../../src/daemon/state.js';
import { FlotillaError } from '../../../src/domain/errors.js';
import { makeTempHome, rawRequest, type TempHome, testConfig } from './helpers.js';

/** Routes that fail on purpose, to check the error mapping end to end. */
const testRoutes: DaemonPlugin = {
  name: 'test-routes',
  routes(api) {
    api.get('/test/conflict', async () => {
      throw new FlotillaError('CONFLICT', 'task t-1 is busy', {
        hint: 'wait for its agent to finish',
        issues: [{ path: 'status', message: 'is in_progress' }],
      });
    });
    const Echo = z.object({ title: z.string().min(1), labels: z.array(z.string()).default([]) });
    api.post('/test/echo', async (request) => parseBody(Echo, request.body));
    api.get('/test/bug', async () => {
      throw new Error('boom: secret detail /home/someone/.ssh');
    });
  },
};

let home: TempHome;
let daemon: RunningDaemon;
let port: number;

beforeAll(async () => {
  home = makeTempHome();
  daemon = await startDaemon({
    paths: home.paths,
    config: testConfig({ allowed_hosts: ['flotilla.test'] }, { level: 'debug' }),
    plugins: [testRoutes],
    version: '9.9.9-test',
  });
  port = daemon.info.port;
});

afterAll(async () => {
  await daemon?.close();
  home?.cleanup();
});

const auth = () => ({ authorization: `Bearer ${daemon.token}` });

describe('authentication', () => {
  it('answers health without a token, revealing nothing but ok', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
  });

  it('tells a client with the token who it is', async () => {
    const health = await createHttpClient({ baseUrl: daemon.url, token: daemon.token }).request<
      Record<string, unknown>
    >('GET', '/api/v1/health');
    expect(health).toMatchObject({ ok: true, version: '9.9.9-test', pid: process.pid });
    expect(typeof health.uptimeSeconds).toBe('number');
  });

  it('refuses a request without a token, with a wrong one, and accepts the right one', async () => {
    const none = await rawRequest(`${daemon.url}/api/v1/version`);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json).toMatchObject({ error: { code: 'UNAUTHORIZED', issues: [] } });

    const wrong = await rawRequest(`${daemon.url}/api/v1/version`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const almost = await rawRequest(`${daemon.url}/api/v1/version`, {
      headers: { authorization: `Bearer ${daemon.token.slice(0, -1)}x` },
    });
    expect(almost.status).toBe(401);

    const right = await rawRequest(`${daemon.url}/api/v1/version`, { headers: auth() });
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ version: '9.9.9-test', api: 'v1' });
  });

  it('does not reveal which routes exist to a caller without a token', async () => {
    expect((await rawRequest(`${daemon.url}/api/v1/nope`)).status).toBe(401);
    const known = await rawRequest(`${daemon.url}/api/v1/nope`, { headers: auth() });
    expect(known.status).toBe(404);
    expect(known.json).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('Host and Origin checks', () => {
  it('refuses a Host that is not ours (DNS rebinding)', async () => {
    for (const host of [
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      'localhost',
      `127.0.0.1.nip.io:${port}`,
    ]) {
      const res = await rawRequest(`${daemon.url}/api/v1/version`, { headers: { ...auth(), host } });
      expect(res.status, host).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });

  it('accepts the loopback names at our port and configured names', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
      'flotilla.test',
    ]) {
      const res = await rawRequest(`${daemon.url}/api/v1/version`, { headers: { ...auth(), host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses a request from a foreign origin, even with the token', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${port + 1}`, 'null']) {
      const res = await rawRequest(`${daemon.url}/api/v1/version`, { headers: { ...auth(), origin } });
      expect(res.status, origin).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    const sneaky = await rawRequest(`${daemon.url}/api/v1/version`, {
      headers: { ...auth(), 'sec-fetch-site': 'cross-site' },
    });
    expect(sneaky.status).toBe(403);
  });

  it('accepts a same-origin browser request, also through a TLS-terminating proxy', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/version`, {
      headers: { ...auth(), origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' },
    });
    expect(res.status).toBe(200);
    const proxied = await rawRequest(`${daemon.url}/api/v1/version`, {
      headers: { ...auth(), host: 'flotilla.test', origin: 'https://flotilla.test' },
    });
    expect(proxied.status).toBe(200);
  });
});

describe('error bodies', () => {
  it('maps a FlotillaError to its status and body, and the client back to the same error', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/test/conflict`, { headers: auth() });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({
      error: {
        code: 'CONFLICT',
        message: 'task t-1 is busy',
        hint: 'wait for its agent to finish',
        issues: [{ path: 'status', message: 'is in_progress' }],
      },
    });
    const err = await createHttpClient({ baseUrl: daemon.url, token: daemon.token })
      .request('GET', '/api/v1/test/conflict')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect(err).toMatchObject({
      code: 'CONFLICT',
      message: 'task t-1 is busy',
      hint: 'wait for its agent to finish',
      issues: [{ path: 'status', message: 'is in_progress' }],
    });
  });

  it('answers malformed JSON with 400 INVALID_INPUT, never 5xx', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/test/echo`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: '{"title": ',
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'INVALID_INPUT', issues: [] } });
    expect((res.json as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
  });

  it('names each bad field of a body that fails its schema', async () => {
    const client = createHttpClient({ baseUrl: daemon.url, token: daemon.token });
    const err = await client
      .request('POST', '/api/v1/test/echo', { title: '', labels: [1] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    const paths = (err as FlotillaError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['labels[0]', 'title']);
    expect(await client.request('POST', '/api/v1/test/echo', { title: 'ok' })).toEqual({
      title: 'ok',
      labels: [],
    });
  });

  it('refuses a body over the limit with 413 in the same shape', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/test/echo`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: { code: 'INVALID_INPUT', issues: [] } });
  });

  it('answers an unexpected error with 500 INTERNAL and no detail or stack', async () => {
    const res = await rawRequest(`${daemon.url}/api/v1/test/bug`, { headers: auth() });
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ error: { code: 'INTERNAL' } });
    expect(res.text).not.toMatch(/secret detail|\.ssh|at .*\.ts/);
    // …but the daemon log has it, for the bug report.
    expect(readFileSync(daemonFiles(home.paths).logFile, 'utf8')).toMatch(/secret detail/);
  });
});

describe('responses', () => {
  it('carry security headers, on success and on refusal', async () => {
    for (const headers of [auth(), {}]) {
      const res = await rawRequest(`${daemon.url}/api/v1/version`, { headers });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('keep the token out of the log', async () => {
    await rawRequest(`${daemon.url}/api/v1/version?token=${daemon.token}`, { headers: auth() });
    await rawRequest(`${daemon.url}/api/v1/test/bug`, {
      headers: { ...auth(), cookie: `session=${daemon.token}` },
    });
    const log = readFileSync(daemonFiles(home.paths).logFile, 'utf8');
    expect(log).toMatch(/"url":"\/api\/v1\/version\?token=\[redacted\]"/);
    expect(log).not.toContain(daemon.token);
  });
});

describe('http client', () => {
  it('reports a daemon that is not there as DAEMON_UNREACHABLE with a hint', async () => {
    const err = await createHttpClient({ baseUrl: 'http://127.0.0.1:1', token: 'x' })
      .request('GET', '/api/v1/health')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DAEMON_UNREACHABLE' });
    expect((err as FlotillaError).hint).toMatch(/flotilla daemon start/);
  });
});
