/**
 * @module mock-vault
 * A stand-in HashiCorp Vault for secret-manager tests (the real one is not on these machines):
 * `GET /v1/<path>` answers Vault's KV v1 JSON (`{"data": {...}}`), `GET /v1/<mount>/data/<path>`
 * on a KV v2 mount answers `{"data": {"data": {...}, "metadata": {...}}}`. As Vault does, a
 * request without `X-Vault-Token` is 400 `missing client token`, a wrong token 403
 * `permission denied`, an unknown path 404 `{"errors": []}`; with `namespace` set, a request
 * from another namespace is 403 too. Secrets can be changed while it runs, and it counts reads.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockVaultOptions {
  token: string;
  /** Mounts that speak KV v2 (`secret`): reads go to `<mount>/data/<path>`. */
  kv2Mounts?: string[];
  /** Vault Enterprise namespace every request must name in `X-Vault-Namespace`. */
  namespace?: string;
}

export interface MockVault {
  readonly url: string;
  readonly port: number;
  /** Reads answered with a secret. */
  readonly reads: number;
  /** Store `data` at `<mount>/<path>` (v1 and v2 mounts alike). */
  put(mountAndPath: string, data: Record<string, string>): void;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Start a mock Vault on 127.0.0.1 (a free port). */
export async function startMockVault(options: MockVaultOptions): Promise<MockVault> {
  const secrets = new Map<string, Record<string, string>>();
  const kv2 = new Set(options.kv2Mounts ?? []);
  let reads = 0;
  let version = 0;

  /** The stored path a request path names, and whether it is a v2 read. */
  const lookup = (path: string): { key: string; v2: boolean } => {
    const [mount = '', kind, ...rest] = path.split('/');
    if (kv2.has(mount)) {
      return kind === 'data'
        ? { key: [mount, ...rest].join('/'), v2: true }
        : { key: '', v2: true };
    }
    return { key: path, v2: false };
  };

  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://vault');
    const token = req.headers['x-vault-token'];
    if (token === undefined || token === '')
      return send(res, 400, { errors: ['missing client token'] });
    if (token !== options.token) return send(res, 403, { errors: ['permission denied'] });
    if (options.namespace !== undefined && req.headers['x-vault-namespace'] !== options.namespace) {
      return send(res, 403, { errors: ['permission denied'] });
    }
    if (req.method !== 'GET' || !url.pathname.startsWith('/v1/')) {
      return send(res, 405, { errors: ['unsupported operation'] });
    }
    const { key, v2 } = lookup(url.pathname.slice('/v1/'.length));
    const data = secrets.get(key);
    if (data === undefined) return send(res, 404, { errors: [] });
    reads++;
    const common = { request_id: `req-${reads}`, lease_id: '', renewable: false, wrap_info: null };
    if (v2) {
      return send(res, 200, {
        ...common,
        lease_duration: 0,
        data: { data, metadata: { created_time: new Date().toISOString(), version } },
      });
    }
    return send(res, 200, { ...common, lease_duration: 2764800, data });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get reads() {
      return reads;
    },
    put(mountAndPath, data) {
      version++;
      secrets.set(mountAndPath, { ...data });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
