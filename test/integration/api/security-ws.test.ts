import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorePlugin } from '../../../src/daemon/core-plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { StreamPlugin } from '../../../src/daemon/stream-plugin.js';
import { makeTempHome, rawRequest, type TempHome, testConfig } from '../daemon/helpers.js';
import { tryUpgrade } from './ws-client.js';

/** The guard in front of the real stream route (@fastify/websocket), with a real `ws` client. */
let home: TempHome;
let daemon: RunningDaemon;
let stream: string;

beforeAll(async () => {
  home = makeTempHome();
  const core = new CorePlugin();
  daemon = await startDaemon({
    paths: home.paths,
    config: testConfig(),
    plugins: [core, new StreamPlugin(core, { terminals: false })],
  });
  stream = `${daemon.url.replace(/^http/, 'ws')}/api/v1/stream`;
});

afterAll(async () => {
  await daemon?.close();
  home?.cleanup();
});

const bearer = () => ({ authorization: `Bearer ${daemon.token}` });

async function sessionCookie(): Promise<string> {
  const minted = await rawRequest(`${daemon.url}/api/v1/login-codes`, { method: 'POST', headers: bearer() });
  const res = await rawRequest((minted.json as { url: string }).url);
  const cookie = /^(flotilla_session=[^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
  if (!cookie) throw new Error('login set no cookie');
  return cookie;
}

describe('WebSocket upgrades to /api/v1/stream', () => {
  it('refuses before any socket opens: no token, wrong token, foreign Origin, rebinding Host', async () => {
    expect(await tryUpgrade(stream)).toEqual({ opened: false, status: 401 });
    expect(
      await tryUpgrade(stream, { protocols: ['flotilla.v1', `flotilla.token.${'z'.repeat(43)}`] }),
    ).toEqual({
      opened: false,
      status: 401,
    });
    expect(await tryUpgrade(stream, { headers: bearer(), origin: 'https://evil.example' })).toEqual({
      opened: false,
      status: 403,
    });
    expect(
      await tryUpgrade(stream, { headers: { ...bearer(), host: `rebind.example:${daemon.info.port}` } }),
    ).toEqual({ opened: false, status: 403 });
  });

  it('refuses a cookie-only upgrade without Origin or from another origin (hijacking)', async () => {
    const cookie = await sessionCookie();
    expect(await tryUpgrade(stream, { headers: { cookie } })).toEqual({ opened: false, status: 403 });
    expect(await tryUpgrade(stream, { headers: { cookie }, origin: 'http://localhost:1' })).toEqual({
      opened: false,
      status: 403,
    });
  });

  it('opens for the token in a header, the token as a subprotocol, and a session from our own origin', async () => {
    expect(await tryUpgrade(stream, { headers: bearer() })).toEqual({ opened: true, status: 101 });
    expect(
      await tryUpgrade(stream, { protocols: ['flotilla.v1', `flotilla.token.${daemon.token}`] }),
    ).toEqual({
      opened: true,
      status: 101,
    });
    const cookie = await sessionCookie();
    expect(await tryUpgrade(stream, { headers: { cookie }, origin: daemon.url })).toEqual({
      opened: true,
      status: 101,
    });
  });
});

describe('refused upgrades to other routes', () => {
  it('the daemon closes the socket of a refused upgrade instead of leaving it open', async () => {
    const { connect } = await import('node:net');
    const { port } = new URL(daemon.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (b: Buffer) => {
      answer += b.toString();
    });
    const closed = new Promise<boolean>((resolve) => {
      socket.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 3_000).unref();
    });
    socket.write(
      `GET /api/v1/tasks HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(await closed, 'the server closed the socket').toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    socket.destroy();
  });
});
