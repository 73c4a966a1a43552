/**
 * @module server
 * The Admin API as an express app: allow_admin, admin key, `X-API-VERSION: v3`, APISIX's JSON
 * envelopes, and a store fault mapped to 503 `{"error_msg": ...}` instead of a crash.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  createLogger,
  guardHttpServer,
  isGatewayError,
  manageKeepAlive,
  MAX_HEADER_BYTES,
  type Logger,
} from '@tollgate/core';
import { isStoreValueTooLarge, MemoryStore, type ConfigStore } from '@tollgate/config-store';
import { DataEncryption, type DataEncryptionSettings } from '@tollgate/schema';
import { AddressFilter, KeyChecker, type AdminKey } from './auth';
import { EnabledPlugins } from './enabled-plugins';
import { KeyLayout } from './keys';
import { parseBody, readRawBody } from './request-body';
import { errorResponse, valueTooLarge, type AdminResponse } from './response';
import { AdminContext } from './resources';
import { dispatch } from './router';
import { DIGEST_HEADER, StandaloneConfigs } from './standalone/configs';

export interface AdminApiOptions {
  store: ConfigStore;
  /** etcd key prefix, `/apisix` by default. */
  prefix?: string;
  /** deployment.admin.admin_key. Must not be empty while `adminKeyRequired`. */
  adminKeys: AdminKey[];
  /** deployment.admin.admin_key_required (default true). */
  adminKeyRequired?: boolean;
  /** deployment.admin.allow_admin CIDRs; [] allows everyone. Default loopback only. */
  allowAdmin?: string[];
  /** config.yaml `plugins`: the plugins configs may use; absent = every plugin Tollgate has. */
  plugins?: readonly string[];
  /** `apisix.proxy_mode` includes `stream`: stream routes may be managed (APISIX: 400 otherwise). */
  streamProxy?: boolean;
  /** `apisix.data_encryption` (APISIX's defaults when absent: on, with its public keyring). */
  dataEncryption?: DataEncryptionSettings;
  /**
   * API-driven standalone mode (`config_provider: yaml` on `role: traditional`): `store` is the
   * standalone store, replaced whole through `/apisix/admin/configs`; the other resources are
   * read-only.
   */
  standalone?: boolean;
  /**
   * The gateway node in the same process, if any: resolves once its workers serve the store's
   * `revision`. A write is answered only then, so a request sent after the answer meets it.
   */
  serving?: (revision: number) => Promise<void>;
  logger?: Logger;
}

export const DEFAULT_ALLOW_ADMIN = ['127.0.0.0/24', '::1/128'];
const ADMIN_PATH = '/apisix/admin';

function send(res: Response, reply: AdminResponse): void {
  res.status(reply.status);
  if (reply.body === undefined) {
    res.end();
  } else if (typeof reply.body === 'string') {
    res.type('text/plain').send(reply.body);
  } else {
    res.type('application/json').send(`${JSON.stringify(reply.body)}\n`);
  }
}

function decodeSegments(path: string): string[] | undefined {
  try {
    return path
      .slice(ADMIN_PATH.length)
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** Writes `<prefix>/plugins`, the enabled plugin list APISIX keeps in etcd. */
export async function publishPluginList(
  store: ConfigStore,
  keys: KeyLayout,
  enabled: EnabledPlugins = new EnabledPlugins(),
): Promise<void> {
  await store.put(keys.plugins, JSON.stringify(enabled.list().map((p) => ({ name: p.name }))));
}

/** Builds the Admin API express app. */
export function createAdminApp(options: AdminApiOptions): express.Express {
  const log = options.logger ?? createLogger('admin-api');
  const keys = new KeyLayout(options.prefix ?? '/apisix');
  const ctx = new AdminContext(
    options.store,
    keys,
    new EnabledPlugins(options.plugins),
    options.streamProxy,
    new DataEncryption(options.dataEncryption, (field) =>
      log.warn('failed to decrypt a stored field, kept as stored', { field }),
    ),
    log,
    options.serving,
  );
  const required = options.adminKeyRequired ?? true;
  if (required && options.adminKeys.length === 0) {
    throw new Error('admin API needs at least one admin key (deployment.admin.admin_key)');
  }
  const checker = new KeyChecker(options.adminKeys);
  const addresses = new AddressFilter(options.allowAdmin ?? DEFAULT_ALLOW_ADMIN);
  const reload = () => publishPluginList(options.store, keys, ctx.plugins);
  const standalone =
    options.standalone && options.store instanceof MemoryStore
      ? new StandaloneConfigs(options.store, {
          prefix: keys.prefix,
          plugins: ctx.plugins,
          streamProxy: ctx.streamProxy,
          encryption: ctx.encryption,
          log,
        })
      : undefined;

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!addresses.allows(req.socket.remoteAddress)) {
      send(res, errorResponse(403, 'access denied: address not in allow_admin'));
      return;
    }
    next();
  });

  app.use(ADMIN_PATH, async (req: Request, res: Response) => {
    if (required) {
      const verdict = checker.check(req);
      if (!verdict.ok) {
        log.warn('admin request refused', {
          reason: verdict.reason,
          method: req.method,
          path: req.path,
        });
        send(res, {
          status: 401,
          body: { error_msg: 'failed to check token', description: verdict.reason },
        });
        return;
      }
    }
    res.setHeader('X-API-VERSION', 'v3');
    const segments = decodeSegments(req.originalUrl.split('?')[0] ?? '');
    if (!segments) {
      send(res, errorResponse(400, 'invalid URI: malformed percent-encoding'));
      return;
    }
    if (standalone && segments[0] === 'configs') {
      const reply = await standalone.handle({
        method: req.method,
        action: segments[1],
        contentType: req.headers['content-type'],
        accept: req.headers.accept,
        digest: req.get(DIGEST_HEADER),
        body:
          req.method === 'PUT' || req.method === 'POST' ? await readRawBody(req) : Buffer.alloc(0),
      });
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        log.info('admin standalone config', { method: req.method, status: reply.status });
      }
      if (reply.raw) res.status(reply.status).type(reply.raw.type).send(reply.raw.text);
      else send(res, reply);
      return;
    }
    if (standalone && req.method !== 'GET') {
      send(
        res,
        errorResponse(
          405,
          `not supported ${req.method} method in standalone mode: the configuration is replaced whole with PUT /apisix/admin/configs`,
        ),
      );
      return;
    }
    const reply = await dispatch(
      ctx,
      {
        method: req.method,
        segments,
        query: req.query,
        body: async () => parseBody(await readRawBody(req)),
      },
      reload,
    );
    if (req.method !== 'GET') {
      log.info('admin write', { method: req.method, path: req.path, status: reply.status });
    }
    send(res, reply);
  });

  app.use((_req: Request, res: Response) => send(res, errorResponse(404, 'not found')));

  // Express 5 forwards rejected handler promises here: store faults become 503, bugs a logged 500.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // The handlers refuse what is too large before writing; this catches what only etcd knows
    // (an etcd run with a smaller --max-request-bytes): bad input, not an outage.
    if (isStoreValueTooLarge(err)) {
      log.warn('admin write refused by the store', { method: req.method, path: req.path, err });
      send(res, valueTooLarge(err));
      return;
    }
    if (isGatewayError(err) && err.expose) {
      log.error('admin request failed', { method: req.method, path: req.path, err });
      send(res, errorResponse(err.status, err.message));
      return;
    }
    log.error('admin request crashed', { method: req.method, path: req.path, err });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, errorResponse(500, 'internal error'));
  });
  return app;
}

export interface RunningAdminServer {
  readonly server: http.Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the Admin API on host:port and publishes the plugin list (best effort). */
export async function startAdminServer(
  options: AdminApiOptions & { host: string; port: number },
): Promise<RunningAdminServer> {
  const log = options.logger ?? createLogger('admin-api');
  const app = createAdminApp(options);
  // Refusals (431, malformed requests, bodies over the limit) answer JSON and never reset a
  // client that is still sending; idle connections advertised for 5 s are closed after 10 s,
  // never under a request already sent.
  const server = manageKeepAlive(
    guardHttpServer(http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app)),
    { advertisedMs: 5_000, graceMs: 5_000 },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info('admin API listening', { host: options.host, port });
  if (!options.standalone)
    publishPluginList(
      options.store,
      new KeyLayout(options.prefix ?? '/apisix'),
      new EnabledPlugins(options.plugins),
    ).catch((err: unknown) => log.warn('could not publish the plugin list', { err }));
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
