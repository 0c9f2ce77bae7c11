/**
 * The daemon's life: take the one-per-home lock, make sure the token exists, serve the API,
 * start the plugins, announce itself in daemon.json; on a stop request or SIGTERM/SIGINT/SIGHUP,
 * undo exactly that and nothing more. Agents live in tmux and are never touched here.
 */

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { hostForUrl } from '../api/guard.js';
import { type ApiRoutes, buildApiServer } from '../api/server.js';
import { ensureStateDir, type StatePaths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { flotillaVersion } from '../core/version.js';
import { FlotillaError } from '../domain/errors.js';
import type { Logger } from '../log/logger.js';
import { agentOfToken } from '../supervisor/agent-token.js';
import { createDaemonLogger } from './logger.js';
import type { DaemonContext, DaemonPlugin } from './plugin.js';
import {
  acquireStateLock,
  type DaemonInfo,
  ensureToken,
  removeDaemonInfo,
  type StateLock,
  writeDaemonInfo,
} from './state.js';

export interface StartDaemonOptions {
  paths: StatePaths;
  config: Config;
  /** Default: <logDir>/daemon.log (see createDaemonLogger). */
  logger?: Logger;
  /**
   * This process is the daemon (`flotilla serve`): stop gracefully on SIGTERM/SIGINT/SIGHUP,
   * clean up on a fatal error. False when embedded (tests, programmatic use).
   */
  foreground?: boolean;
  plugins?: readonly DaemonPlugin[];
  version?: string;
  /** Allow a non-loopback `server.host` without TLS (`flotilla serve --insecure`); warns loudly. */
  insecure?: boolean;
  /** @deprecated old name of `insecure`. */
  allowRemote?: boolean;
  /** Bound on each plugin's stop and on closing the server. Default 10 s. */
  stopTimeoutMs?: number;
}

/** A running daemon. */
export interface RunningDaemon {
  readonly info: DaemonInfo;
  readonly url: string;
  readonly token: string;
  /** Graceful stop; idempotent. Resolves once the lock is released. */
  close(reason?: string): Promise<void>;
  /** Resolves when the daemon has stopped, whoever stopped it. */
  readonly closed: Promise<void>;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;
const WILDCARD_V4 = '0.0.0.0';

/** The TLS material the daemon serves, read and checked before anything else starts. */
interface TlsMaterial {
  cert: string;
  key: string;
  fingerprint256: string;
}

function readPem(what: 'cert' | 'key', file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new FlotillaError(
      'CONFIG_INVALID',
      `cannot read server.tls.${what} ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { hint: `check the path and that the daemon's user can read it`, cause: err },
    );
  }
}

function loadTls(config: Config): TlsMaterial | null {
  const { cert: certFile, key: keyFile } = config.server.tls;
  if (certFile === null && keyFile === null) return null;
  if (certFile === null || keyFile === null) {
    throw new FlotillaError('CONFIG_INVALID', 'server.tls needs both cert and key', {
      hint: 'set server.tls.cert and server.tls.key to PEM files, or neither',
    });
  }
  const cert = readPem('cert', certFile);
  const key = readPem('key', keyFile);
  let fingerprint256: string;
  try {
    fingerprint256 = new X509Certificate(cert).fingerprint256;
  } catch (err) {
    throw new FlotillaError('CONFIG_INVALID', `server.tls.cert ${certFile} is not a PEM certificate`, {
      cause: err,
    });
  }
  try {
    // Fails on an unparsable key and on a key that does not belong to the certificate.
    createSecureContext({ cert, key });
  } catch (err) {
    throw new FlotillaError(
      'CONFIG_INVALID',
      `server.tls.key ${keyFile} does not match server.tls.cert ${certFile} (${(err as Error).message})`,
      { hint: 'point both at the same certificate/key pair', cause: err },
    );
  }
  return { cert, key, fingerprint256 };
}

/** The message for a plain-HTTP non-loopback bind, refused or (with --insecure) warned about. */
const exposedMessage = (host: string) =>
  `server.host is ${host}, which is reachable from other machines, and the API has no TLS: the token and everything else cross the network in clear`;

function checkBindPolicy(config: Config, tls: TlsMaterial | null, insecure: boolean): boolean {
  if (LOOPBACK.test(config.server.host) || tls !== null) return false;
  if (!insecure) {
    throw new FlotillaError('CONFIG_INVALID', exposedMessage(config.server.host), {
      hint: 'bind 127.0.0.1 (the default), set server.tls.cert and server.tls.key, or run `flotilla serve --insecure` (formerly --allow-remote) if you really mean it',
    });
  }
  return true;
}

/** Where clients connect: the bound address, or loopback when bound to every interface. */
function clientUrl(address: AddressInfo, secure: boolean): string {
  let host = address.address;
  if (host === WILDCARD_V4) host = '127.0.0.1';
  else if (host === '::') host = '::1';
  return `${secure ? 'https' : 'http'}://${hostForUrl(host)}:${address.port}`;
}

function listenError(err: unknown, config: Config): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new FlotillaError(
      'CONFLICT',
      `port ${config.server.port} on ${config.server.host} is already in use`,
      {
        hint: 'another program (or the daemon of another FLOTILLA_HOME) has it: set server.port to a free port, or 0 for any',
        cause: err,
      },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
    return new FlotillaError(
      'CONFIG_INVALID',
      `cannot listen on ${config.server.host}:${config.server.port} (${code})`,
      {
        hint: 'check server.host and server.port',
        cause: err,
      },
    );
  }
  return err;
}

async function withTimeout(what: string, ms: number, work: () => unknown): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.resolve().then(work),
    new Promise<void>((_, reject) => {
      timer = setTimeout(
        () => reject(new FlotillaError('TIMEOUT', `${what} did not finish within ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function startDaemon(opts: StartDaemonOptions): Promise<RunningDaemon> {
  const { paths, config } = opts;
  const plugins = opts.plugins ?? [];
  const version = opts.version ?? flotillaVersion();
  const stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
  const tls = loadTls(config);
  const exposed = checkBindPolicy(config, tls, Boolean(opts.insecure ?? opts.allowRemote));
  ensureStateDir(paths);
  const logger =
    opts.logger ?? createDaemonLogger(paths, config, opts.foreground ? 'foreground' : 'embedded');
  if (exposed) {
    const message = `WARNING: ${exposedMessage(config.server.host)} (--insecure)`;
    logger.warn({ host: config.server.host }, message);
    process.stderr.write(`flotilla: ${message}\n`);
  }
  const lock: StateLock = acquireStateLock(paths);

  const abort = new AbortController();
  const ctx: DaemonContext = { paths, config, logger, version, url: '', signal: abort.signal };
  const started: DaemonPlugin[] = [];
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closing: Promise<void> | undefined;
  let uninstallProcessHooks: () => void = () => {};

  const stopPlugins = async () => {
    for (const plugin of [...started].reverse()) {
      if (!plugin.stop) continue;
      const stop = plugin.stop.bind(plugin);
      await withTimeout(`stopping ${plugin.name}`, stopTimeoutMs, () => stop(ctx)).catch((err: unknown) =>
        logger.error({ err, plugin: plugin.name }, 'plugin did not stop cleanly'),
      );
    }
  };

  let app: Awaited<ReturnType<typeof buildApiServer>> | undefined;
  // A stop that arrives while starting waits for the start to reach a checkpoint and unwind.
  let startSettled: () => void = () => {};
  const settled = new Promise<void>((resolve) => {
    startSettled = resolve;
  });
  const close = (reason = 'requested'): Promise<void> => {
    closing ??= (async () => {
      logger.info({ reason }, 'daemon stopping');
      abort.abort();
      await settled;
      try {
        const server = app;
        if (server) {
          await withTimeout('closing the API server', stopTimeoutMs, () => server.close()).catch(
            (err: unknown) => logger.error({ err }, 'API server did not close cleanly'),
          );
        }
        await stopPlugins();
      } finally {
        removeDaemonInfo(paths, process.pid);
        lock.release();
        uninstallProcessHooks();
        logger.info('daemon stopped');
        resolveClosed();
        // Anything a plugin forgot to clean up must not keep a stopped daemon process alive.
        if (opts.foreground) setTimeout(() => process.exit(process.exitCode ?? 0), 3_000).unref();
      }
    })();
    return closing;
  };
  const checkpoint = () => {
    if (abort.signal.aborted) throw new FlotillaError('CANCELLED', 'the daemon was stopped while starting');
  };

  if (opts.foreground) {
    uninstallProcessHooks = installProcessHooks(logger, close, () => {
      removeDaemonInfo(paths, process.pid);
      lock.release();
    });
  }
  try {
    const token = ensureToken(paths);
    const routes: ApiRoutes[] = plugins
      .filter((p) => p.routes !== undefined)
      .map((p) => (api) => p.routes?.(api, ctx));
    const rootRoutes: ApiRoutes[] = plugins
      .filter((p) => p.rootRoutes !== undefined)
      .map((p) => (app) => p.rootRoutes?.(app, ctx));
    app = await buildApiServer({
      token,
      version,
      logger,
      bindHost: config.server.host,
      allowedHosts: config.server.allowed_hosts,
      onStopRequested: () => void close('stop requested over the API'),
      routes,
      rootRoutes,
      sessionFile: join(paths.home, 'sessions.json'),
      agentOfToken: (presented) => agentOfToken(paths.agentsDir, presented),
      ...(tls === null ? {} : { tls: { cert: tls.cert, key: tls.key } }),
    });
    checkpoint();
    try {
      await app.listen({ host: config.server.host, port: config.server.port });
    } catch (err) {
      throw listenError(err, config);
    }
    const address = app.server.address() as AddressInfo;
    ctx.url = clientUrl(address, tls !== null);
    for (const plugin of plugins) {
      checkpoint();
      await plugin.start?.(ctx);
      started.push(plugin);
    }
    checkpoint();
    const info: DaemonInfo = {
      pid: process.pid,
      host: config.server.host,
      port: address.port,
      url: ctx.url,
      version,
      startedAt: new Date().toISOString(),
      ...(tls === null ? {} : { tls: { cert: tls.cert, fingerprint256: tls.fingerprint256 } }),
    };
    writeDaemonInfo(paths, info);
    startSettled();
    logger.info({ url: ctx.url, pid: process.pid, version, home: paths.home }, 'daemon listening');
    return { info, url: ctx.url, token, close, closed };
  } catch (err) {
    logger.error({ err }, 'daemon failed to start');
    startSettled();
    await close('start failed');
    throw err;
  }
}

/**
 * Signals stop the daemon gracefully; a second one while stopping exits at once. A fatal error
 * removes daemon.json and the lock synchronously before exiting, so the next CLI call starts a
 * fresh daemon instead of waiting for a dead one.
 */
function installProcessHooks(
  logger: Logger,
  close: (reason: string) => Promise<void>,
  cleanupSync: () => void,
) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      cleanupSync();
      process.exit(1);
    }
    stopping = true;
    void close(signal);
  };
  const onFatal = (err: unknown) => {
    logger.fatal({ err }, 'daemon crashed');
    cleanupSync();
    process.exit(70);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
  };
}
