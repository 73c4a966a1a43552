/**
 * @module config/load
 * Reads conf/config.yaml: YAML parse, `${{VAR}}` / `${{VAR:=default}}` in the values (as APISIX,
 * see env-vars.ts), schema check with messages that name the key, defaults, then environment
 * overrides.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import YAML from 'yaml';
import type { AdminKey } from '@tollgate/admin-api';
import {
  ConfigInvalidError,
  createLogger,
  environment,
  readEnv,
  type TollgateEnv,
} from '@tollgate/core';
import { getPlugin } from '@tollgate/schema';
import { ConfigValueError, resolveEnvVars } from './env-vars';
import { dataEncryptionOf } from './data-encryption';
import { CONFIG_SCHEMA, SUPPORTED_KEYS } from './schema';
import { tlsConfigOf } from './ssl';
import { streamProxyOf } from './stream-proxy';
import type { Listen, Role, TollgateConfig } from './types';

type Raw = Record<string, unknown>;
type ConfiguredKey = { name: string; key?: string | null; role: 'admin' | 'viewer' };

const log = createLogger('config');

const validate = new Ajv({ allErrors: false, strict: false }).compile(CONFIG_SCHEMA);

function fail(source: string, message: string): never {
  throw new ConfigInvalidError(`invalid config file ${source}: ${message}`);
}

function keyPath(err: ErrorObject): string {
  const parts = err.instancePath.split('/').filter(Boolean);
  if (err.keyword === 'required') parts.push(String(err.params.missingProperty));
  return parts.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]') || '(root)';
}

/** The own member `key` of an object or array from the parsed file. */
function child(node: unknown, key: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  const container = node as Raw;
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

function describe(err: ErrorObject, data: unknown): string {
  const where = keyPath(err);
  const got = err.instancePath.split('/').filter(Boolean).reduce<unknown>(child, data);
  if (err.keyword === 'required') return `${where}: is required`;
  if (err.keyword === 'enum') {
    return `${where}: must be one of ${(err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(got)})`;
  }
  return `${where}: ${err.message ?? 'is invalid'} (got ${JSON.stringify(got)})`;
}

function collectKeys(node: unknown, prefix: string, out: string[]): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    out.push(prefix);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if ((SUPPORTED_KEYS as readonly string[]).includes(full)) continue;
    if (SUPPORTED_KEYS.some((k) => k.startsWith(`${full}.`))) collectKeys(value, full, out);
    else out.push(full);
  }
}

function listenOf(value: unknown, fallback: Listen): Listen {
  const v = (value ?? {}) as Partial<Listen>;
  return { ip: v.ip ?? fallback.ip, port: v.port ?? fallback.port };
}

function nodeListen(value: unknown): Listen[] {
  if (value === undefined) return [{ ip: '0.0.0.0', port: 9080 }];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item: unknown) =>
    typeof item === 'number'
      ? { ip: '0.0.0.0', port: item }
      : listenOf(item, { ip: '0.0.0.0', port: 9080 }),
  );
}

/**
 * `deployment.admin.admin_key` entries. An empty or missing key of role admin stays empty: the
 * start command generates one (admin-key.ts), as APISIX does for role admin only. A viewer entry
 * with an empty key is left out with a warning: APISIX keeps it and lets an empty `api_key`
 * match it, and an empty key must never mean "no key needed".
 */
function adminKeys(configured: ConfiguredKey[], source: string): AdminKey[] {
  const keys: AdminKey[] = [];
  for (const { name, key, role } of configured) {
    if (!key && role === 'viewer') {
      log.warn('admin key entry has an empty key, left out', { name, role, file: source });
      continue;
    }
    keys.push({ name, key: key ?? '', role });
  }
  return keys;
}

/** `plugins`, every name one Tollgate has (APISIX only logs a name it cannot load). */
function enabledPlugins(value: unknown, source: string): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value as string[];
  const unknown = names.filter((name) => !getPlugin(name));
  if (unknown.length > 0)
    fail(source, `plugins: unknown plugin ${unknown.map((n) => `[${n}]`).join(', ')}`);
  return names;
}

/** Parses and validates config text; `source` names the file in messages. */
export function parseConfig(
  text: string,
  source: string,
  env: TollgateEnv = readEnv(),
  processEnv: NodeJS.ProcessEnv = environment(),
): TollgateConfig {
  let raw: unknown;
  try {
    raw = YAML.parse(text, { uniqueKeys: true }) ?? {};
  } catch (err) {
    const e = err as Error & { linePos?: { line: number; col: number }[] };
    const pos = e.linePos?.[0];
    fail(
      source,
      `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${e.message.split('\n')[0] ?? ''}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(source, 'the top level must be a mapping');
  try {
    raw = resolveEnvVars(raw, processEnv, CONFIG_SCHEMA);
  } catch (err) {
    if (err instanceof ConfigValueError) fail(source, err.message);
    throw err;
  }
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    fail(source, first ? describe(first, raw) : 'invalid');
  }
  const conf = raw as Raw;
  const apisix = (conf.apisix ?? {}) as Raw;
  const deployment = (conf.deployment ?? {}) as Raw;
  const admin = (deployment.admin ?? {}) as Raw;
  const etcd = deployment.etcd as Raw | undefined;
  const nginx = (conf.nginx_config ?? {}) as Raw;
  const nginxHttp = (nginx.http ?? {}) as Raw;
  const prometheus = (((conf.plugin_attr ?? {}) as Raw).prometheus ?? {}) as Raw;
  const tollgate = (conf.tollgate ?? {}) as Raw;

  const unsupportedKeys: string[] = [];
  collectKeys(conf, '', unsupportedKeys);

  const etcdHosts =
    env.etcdHost
      ?.split(',')
      .map((h) => h.trim())
      .filter(Boolean) ?? (etcd?.host as string[] | undefined);
  const workers = nginx.worker_processes ?? 'auto';
  return {
    source,
    role: (deployment.role as Role | undefined) ?? 'traditional',
    nodeListen: nodeListen(apisix.node_listen),
    dataEncryption: dataEncryptionOf(apisix),
    tls: tlsConfigOf(apisix, source),
    streamProxy: streamProxyOf(apisix, source),
    enableAdmin: (apisix.enable_admin as boolean | undefined) ?? true,
    admin: {
      listen: listenOf(admin.admin_listen, { ip: '127.0.0.1', port: 9180 }),
      keys: env.adminKey
        ? [{ name: 'admin', key: env.adminKey, role: 'admin' }]
        : adminKeys((admin.admin_key ?? []) as ConfiguredKey[], source),
      keyRequired: (admin.admin_key_required as boolean | undefined) ?? true,
      allowAdmin: (admin.allow_admin as string[] | undefined) ?? ['127.0.0.0/24', '::1/128'],
    },
    standalone: standaloneOf(deployment, source),
    etcd: etcdHosts
      ? {
          hosts: etcdHosts,
          prefix: env.etcdPrefix ?? (etcd?.prefix as string | undefined) ?? '/apisix',
          timeoutSeconds: (etcd?.timeout as number | undefined) ?? 30,
          user: etcd?.user as string | undefined,
          password: etcd?.password as string | undefined,
        }
      : undefined,
    dataDir: path.resolve(env.dataDir ?? (tollgate.data_dir as string | undefined) ?? '.tollgate'),
    workerProcesses: workers === 'auto' ? os.availableParallelism() : (workers as number),
    accessLog: {
      enabled: (nginxHttp.enable_access_log as boolean | undefined) ?? true,
      path: nginxHttp.access_log as string | undefined,
    },
    control: {
      enabled: (apisix.enable_control as boolean | undefined) ?? true,
      listen: listenOf(apisix.control, { ip: '127.0.0.1', port: 9090 }),
    },
    disableUpstreamHealthcheck:
      (apisix.disable_upstream_healthcheck as boolean | undefined) ?? false,
    secretCache: secretCacheOf(apisix.lru),
    prometheus: { exportAddr: listenOf(prometheus.export_addr, { ip: '127.0.0.1', port: 9091 }) },
    plugins: enabledPlugins(conf.plugins, source),
    pluginAttr: (conf.plugin_attr ?? {}) as Record<string, Record<string, unknown>>,
    unsupportedKeys,
  };
}

/**
 * `deployment.role_<role>.config_provider` other than etcd: APISIX's standalone modes. The file
 * is `config_file` (a Tollgate extension), else `apisix.yaml` / `apisix.json` beside config.yaml
 * (APISIX's `conf/apisix.yaml`).
 */
function standaloneOf(deployment: Raw, source: string): TollgateConfig['standalone'] {
  const role = (deployment.role as Role | undefined) ?? 'traditional';
  const settings = (deployment[`role_${role}`] ?? {}) as Raw;
  const provider = settings.config_provider as string | undefined;
  if (provider === undefined || provider === 'etcd') return undefined;
  if (role === 'traditional') return { mode: 'api' };
  const format = provider === 'json' ? 'json' : 'yaml';
  const dir = source === 'defaults' ? 'conf' : path.dirname(source);
  const file = (settings.config_file as string | undefined) ?? path.join(dir, `apisix.${format}`);
  return { mode: 'file', format, file: path.resolve(file) };
}

/** `apisix.lru.secret`, with APISIX's fallbacks (secret.lua `new_lrucache`). */
function secretCacheOf(lru: unknown): TollgateConfig['secretCache'] {
  const secret = ((lru as Raw | undefined)?.secret ?? {}) as Raw;
  const ttlOf = (kind: 'success' | 'failure', fallback: number) =>
    (((secret[kind] as Raw | undefined)?.ttl ?? secret.ttl ?? fallback) as number) * 1000;
  return {
    successTtlMs: ttlOf('success', 300),
    failureTtlMs: ttlOf('failure', 60),
    count: (secret.count as number | undefined) ?? 512,
  };
}

/**
 * Loads the config: `file` when given (must exist), else TOLLGATE_CONFIG, else `conf/config.yaml`
 * when present, else built-in defaults (embedded store, generated admin key).
 */
export function loadConfig(file: string | undefined, env: TollgateEnv = readEnv()): TollgateConfig {
  const chosen =
    file ?? env.configFile ?? (fs.existsSync('conf/config.yaml') ? 'conf/config.yaml' : undefined);
  if (chosen === undefined) return parseConfig('', 'defaults', env);
  let text: string;
  try {
    text = fs.readFileSync(chosen, 'utf8');
  } catch (err) {
    fail(
      chosen,
      `cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseConfig(text, chosen, env);
}
