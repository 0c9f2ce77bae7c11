import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../../../src/api/dashboard.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { WebPlugin } from '../../../src/daemon/web-plugin.js';
import { makeTempHome, rawRequest, type TempHome, testConfig } from '../daemon/helpers.js';

/**
 * The dashboard served by a real daemon (web plugin only) from a temp build folder: an
 * index.html, a hashed asset with its precompressed .gz sibling, and files that must never be
 * served. Through real HTTP, with the guard in front as in production.
 */
let home: TempHome;
let daemon: RunningDaemon;
let web: string;
const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>\n';
const APP_JS = `console.log(${JSON.stringify('flotilla '.repeat(200))});\n`;

beforeAll(async () => {
  home = makeTempHome();
  web = mkdtempSync(join(tmpdir(), 'flotilla-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), INDEX);
  writeFileSync(join(web, 'assets', 'app-abc123.js'), APP_JS);
  writeFileSync(join(web, 'assets', 'app-abc123.js.gz'), gzipSync(APP_JS));
  writeFileSync(join(web, '.env'), 'SECRET=1\n');
  writeFileSync(join(home.dir, 'outside.txt'), 'outside the web root\n');
  daemon = await startDaemon({
    paths: home.paths,
    config: testConfig(),
    plugins: [new WebPlugin({ root: web })],
    version: '0.0.0-web',
  });
});

afterAll(async () => {
  await daemon?.close();
  home?.cleanup();
  rmSync(web, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** A GET whose body comes back as bytes (a compressed answer is not text). */
function getBytes(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${daemon.url}${path}`, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard at /', () => {
  it('serves index.html at / with the page policy and no caching, without credentials', async () => {
    const res = await rawRequest(`${daemon.url}/`, { headers: html });
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    expect(res.text).toBe(INDEX);
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
    // A browser without Accept (or a HEAD) still gets the page at /.
    expect((await rawRequest(`${daemon.url}/`)).text).toBe(INDEX);
    const head = await rawRequest(`${daemon.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it("answers the app's own routes with the same page when HTML is asked for", async () => {
    for (const path of ['/tasks', '/agents/abc', '/logs?source=daemon']) {
      const res = await rawRequest(`${daemon.url}${path}`, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.text, path).toBe(INDEX);
      expect(res.headers['content-security-policy'], path).toBe(DASHBOARD_CSP);
    }
    // A script or fetch asking for a missing file gets a 404, not a page it cannot run.
    const missing = await rawRequest(`${daemon.url}/assets/gone-123.js`, { headers: { accept: '*/*' } });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('keeps /api paths the API: 401 without credentials, JSON 404 with them', async () => {
    const anonymous = await rawRequest(`${daemon.url}/api/v1/nope`, { headers: html });
    expect(anonymous.status).toBe(401);
    const known = await rawRequest(`${daemon.url}/api/v1/nope`, {
      headers: { ...html, authorization: `Bearer ${daemon.token}` },
    });
    expect(known.status).toBe(404);
    expect(String(known.headers['content-type'])).toMatch(/^application\/json/);
    expect(known.json).toMatchObject({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('/api/v1/nope') },
    });
  });

  it('serves hashed assets precompressed and cached for good', async () => {
    const gz = await getBytes('/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(String(gz.headers['content-type'])).toMatch(/javascript/);
    expect(String(gz.headers.vary)).toMatch(/accept-encoding/i);
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(gz.body).toString('utf8')).toBe(APP_JS);
    const plain = await getBytes('/assets/app-abc123.js', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(APP_JS);
  });

  it('never serves dotfiles or anything outside its folder', async () => {
    for (const path of [
      '/.env',
      '/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/%2e%2e%2foutside.txt',
    ]) {
      const res = await rawRequest(`${daemon.url}${path}`, { headers: { accept: '*/*' } });
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toMatch(/SECRET|outside the web root/);
    }
  });

  it('keeps the Host and Origin checks on the pages (DNS rebinding, cross-site)', async () => {
    const port = new URL(daemon.url).port;
    const rebound = await rawRequest(`${daemon.url}/`, {
      headers: { ...html, host: `evil.example:${port}` },
    });
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toContain('<div id="root">');
    // A cross-site subresource or fetch of a page is refused...
    const crossSite = await rawRequest(`${daemon.url}/tasks`, {
      headers: { ...html, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
    });
    expect(crossSite.status).toBe(403);
    // ...but a user following a link (a top-level navigation) gets the page, which holds no data,
    const navigation = {
      ...html,
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    };
    const followed = await rawRequest(`${daemon.url}/tasks`, { headers: navigation });
    expect(followed.status).toBe(200);
    expect(followed.text).toBe(INDEX);
    // ...and the API stays closed to navigations from elsewhere, even with a valid token.
    const apiNav = await rawRequest(`${daemon.url}/api/v1/tasks`, {
      headers: { ...navigation, authorization: `Bearer ${daemon.token}` },
    });
    expect(apiNav.status).toBe(403);
  });

  it('sends a browser from the login link to the dashboard', async () => {
    const minted = await rawRequest(`${daemon.url}/api/v1/login-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${daemon.token}` },
    });
    const { url } = minted.json as { url: string };
    const login = await rawRequest(url, { headers: { ...html, 'sec-fetch-site': 'none' } });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const page = await rawRequest(`${daemon.url}/`, { headers: { ...html, cookie } });
    expect(page.text).toBe(INDEX);
    // The session reaches the API from the page's origin.
    const version = await rawRequest(`${daemon.url}/api/v1/version`, { headers: { cookie } });
    expect(version.status).toBe(200);
  });

  it('explains a missing build with a 503 page instead of a blank one', async () => {
    renameSync(join(web, 'index.html'), join(web, 'index.html.away'));
    try {
      for (const path of ['/', '/tasks']) {
        const res = await rawRequest(`${daemon.url}${path}`, { headers: html });
        expect(res.status, path).toBe(503);
        expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
        expect(res.text).toContain('npm run build');
      }
    } finally {
      renameSync(join(web, 'index.html.away'), join(web, 'index.html'));
    }
    expect((await rawRequest(`${daemon.url}/`, { headers: html })).status).toBe(200);
  });
});
