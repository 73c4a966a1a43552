import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { readEnv } from '@tollgate/core';
import { parseConfig } from './load';
import { referenceRows, renderConfigReference } from './reference';
import { CONFIG_SCHEMA, SUPPORTED_KEYS } from './schema';

const DOCS = path.resolve(__dirname, '../../../../docs');

it('docs/configuration-reference.md is what the generator writes from the schema', () => {
  const committed = fs.readFileSync(path.join(DOCS, 'configuration-reference.md'), 'utf8');
  // On failure: pnpm exec tsx docs/tools/gen-config-reference.ts
  expect(committed).toBe(renderConfigReference());
});

it('lists every key Tollgate reads, each with a description in the schema', () => {
  const rows = new Map(referenceRows().map((r) => [r.key, r]));
  const missing = SUPPORTED_KEYS.filter((k) => !rows.has(k));
  expect(missing).toEqual([]);
  const undescribed = SUPPORTED_KEYS.filter((k) => !rows.get(k)?.description);
  expect(undescribed).toEqual([]);
});

it('describes every key the schema names, read or not', () => {
  expect(referenceRows().filter((r) => !r.description)).toEqual([]);
});

/** The `default` annotation of a key path in CONFIG_SCHEMA (`a.b[].c` for array items). */
function schemaDefault(key: string): unknown {
  type Node = { properties?: Record<string, Node>; items?: Node; default?: unknown };
  let node: Node | undefined = CONFIG_SCHEMA as unknown as Node;
  for (const part of key.split('.')) {
    const name = part.replace(/\[\]$/, '');
    node = node?.properties?.[name];
    if (part.endsWith('[]')) node = node?.items;
  }
  if (node === undefined) throw new Error(`no key ${key} in CONFIG_SCHEMA`);
  return node.default;
}

it("the schema's defaults are the values load.ts applies to an empty file", () => {
  // No TOLLGATE_* overrides.
  const env = readEnv({});
  const config = parseConfig('', 'test.yaml', env, {});
  const withEtcd = parseConfig(
    'deployment:\n  etcd:\n    host: ["http://127.0.0.1:2379"]\n',
    'test.yaml',
    env,
    {},
  );
  const actual: Record<string, unknown> = {
    'apisix.node_listen': config.nodeListen[0]?.port,
    'apisix.enable_admin': config.enableAdmin,
    'apisix.enable_control': config.control.enabled,
    'apisix.control.ip': config.control.listen.ip,
    'apisix.control.port': config.control.listen.port,
    'apisix.disable_upstream_healthcheck': config.disableUpstreamHealthcheck,
    'apisix.data_encryption.enable_encrypt_fields': config.dataEncryption.enableEncryptFields,
    'apisix.data_encryption.keyring': config.dataEncryption.keyring,
    'apisix.lru.secret.count': config.secretCache.count,
    'apisix.lru.secret.success.ttl': config.secretCache.successTtlMs / 1000,
    'apisix.lru.secret.failure.ttl': config.secretCache.failureTtlMs / 1000,
    'apisix.proxy_mode': config.streamProxy === undefined ? 'http' : 'not http',
    'apisix.enable_http2': config.tls?.http2,
    'apisix.ssl.enable': config.tls !== undefined,
    'apisix.ssl.listen': config.tls?.listen.map(({ port }) => ({ port })),
    'apisix.ssl.listen[].ip': config.tls?.listen[0]?.ip,
    'apisix.ssl.ssl_protocols': config.tls?.protocols.join(' '),
    'apisix.ssl.ssl_ciphers': config.tls?.ciphers,
    'deployment.role': config.role,
    'deployment.admin.admin_key_required': config.admin.keyRequired,
    'deployment.admin.admin_listen.ip': config.admin.listen.ip,
    'deployment.admin.admin_listen.port': config.admin.listen.port,
    'deployment.admin.allow_admin': config.admin.allowAdmin,
    'deployment.etcd.prefix': withEtcd.etcd?.prefix,
    'deployment.etcd.timeout': withEtcd.etcd?.timeoutSeconds,
    'nginx_config.worker_processes':
      config.workerProcesses === os.availableParallelism() ? 'auto' : config.workerProcesses,
    'nginx_config.http.enable_access_log': config.accessLog.enabled,
    'plugin_attr.prometheus.export_addr.ip': config.prometheus.exportAddr.ip,
    'plugin_attr.prometheus.export_addr.port': config.prometheus.exportAddr.port,
    'tollgate.data_dir': path.relative(process.cwd(), config.dataDir),
  };
  const declared = Object.fromEntries(Object.keys(actual).map((k) => [k, schemaDefault(k)]));
  expect(declared).toEqual(actual);
  // Keys with no default stay unset.
  expect(config.accessLog.path).toBeUndefined();
  expect(config.plugins).toBeUndefined();
  expect(config.tls?.fallbackSni).toBeUndefined();
  expect(schemaDefault('nginx_config.http.access_log')).toBeUndefined();
  expect(schemaDefault('plugins')).toBeUndefined();
  expect(schemaDefault('apisix.ssl.fallback_sni')).toBeUndefined();
});

it('docs/configuration.md keeps no table of keys of its own', () => {
  const text = fs.readFileSync(path.join(DOCS, 'configuration.md'), 'utf8');
  expect(text).toContain('(configuration-reference.md)');
  expect(text).not.toMatch(/^\| `apisix\./m);
});

it('walks arrays of objects as key[] and maps as key.<name>', () => {
  const rows = referenceRows({
    type: 'object',
    properties: {
      list: {
        type: 'array',
        items: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
      },
      map: { type: 'object', additionalProperties: { type: 'object' } },
      mode: { enum: ['x', 'y'] },
    },
  });
  expect(rows.map(({ key, type, rules }) => ({ key, type, rules }))).toEqual([
    { key: 'list', type: 'array of object {a}', rules: '' },
    { key: 'list[]', type: 'object', rules: 'requires `a`' },
    { key: 'list[].a', type: 'string', rules: '' },
    { key: 'map', type: 'object', rules: '' },
    { key: 'map.<name>', type: 'object', rules: '' },
    { key: 'mode', type: 'string', rules: 'one of `"x"`, `"y"`' },
  ]);
});

it('takes default and description from the schema annotations', () => {
  const rows = referenceRows({
    type: 'object',
    properties: {
      port: { type: 'integer', default: 9080, description: 'where, see [x](x.md#y)' },
      mode: { enum: ['a|b', 'c'], default: 'a|b', description: 'which | what\non one line' },
      list: {
        type: 'array',
        items: {
          type: 'object',
          required: ['a'],
          description: 'one entry',
          properties: { a: { type: 'string', 'x-default-text': 'computed at start' } },
        },
      },
      map: { type: 'object', additionalProperties: { type: 'object', description: 'by name' } },
      bare: { type: 'string' },
    },
  });
  const by = new Map(rows.map((r) => [r.key, r]));
  expect(by.get('port')).toMatchObject({
    default: '`9080`',
    description: 'where, see [x](x.md#y)',
  });
  expect(by.get('mode')).toMatchObject({
    default: '`"a\\|b"`',
    description: 'which \\| what on one line',
  });
  expect(by.get('list[]')).toMatchObject({ description: 'one entry' });
  expect(by.get('list[].a')).toMatchObject({ default: 'computed at start' });
  expect(by.get('map.<name>')).toMatchObject({ description: 'by name' });
  expect(by.get('bare')).toMatchObject({ default: '', description: '' });
});

it('renders a missing default as none and a missing description as a dash', () => {
  const text = renderConfigReference({ type: 'object', properties: { x: { type: 'string' } } });
  expect(text).toMatch(/^\| `x` † +\| string +\| — +\| none +\| — +\|$/m);
});
