/**
 * @module control/node-source
 * The `ControlSource` of a gateway node's primary: identity (an id kept in the data directory,
 * as APISIX keeps `conf/apisix.uid`), config sync state, validated items, active health targets
 * and workers, read from the node on every request.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigValue } from '../config/update';
import type { GatewayNodeStatus } from '../node';
import type { ControlNodeInfo, ControlSource } from './source';

/** What the adapter needs of a node (GatewayNode plus an accessor for its items). */
export interface ControlledNode {
  status(): GatewayNodeStatus;
  /** The node's validated config items (`ConfigItems.items`). */
  configItems(): ReadonlyMap<string, ConfigValue>;
}

export interface NodeControlSourceOptions {
  node: ControlledNode;
  /** etcd key prefix (`/apisix`). */
  prefix: string;
  /** Deployment role (`traditional`, `data_plane`). */
  role: string;
  /** Where the node id is kept (`<dataDir>/node.uid`). */
  dataDir: string;
  /** Defaults to the gateway package's version. */
  version?: string;
  etcdVersion?(): string | undefined;
}

const UID_FILE = 'node.uid';

/** The node id in `<dataDir>/node.uid`, created (a UUID) on first use. */
export function nodeId(dataDir: string): string {
  const file = path.join(dataDir, UID_FILE);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing !== '') return existing;
  } catch {
    // first boot: create it below
  }
  const id = crypto.randomUUID();
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${id}\n`);
  } catch {
    // an unwritable data dir: the id lasts for this process only
  }
  return id;
}

let cachedVersion: string | undefined;

/** The gateway package's version (`apps/gateway/package.json`, from `src/` or `dist/`). */
export function gatewayVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    const pkg = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'),
    ) as { version?: unknown };
    cachedVersion = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    cachedVersion = '0.0.0';
  }
  return cachedVersion;
}

/**
 * The control source of a node.
 *
 * @example
 * const source = nodeControlSource({ node, prefix: '/apisix', role: 'data_plane', dataDir });
 * const control = await startControlServer({ ip: '127.0.0.1', port: 9090, source });
 */
export function nodeControlSource(options: NodeControlSourceOptions): ControlSource {
  const { node } = options;
  const info: Omit<ControlNodeInfo, 'etcdVersion'> = {
    id: nodeId(options.dataDir),
    hostname: os.hostname(),
    version: options.version ?? gatewayVersion(),
    bootTime: Math.floor(Date.now() / 1000 - process.uptime()),
    role: options.role,
  };
  return {
    prefix: options.prefix.replace(/\/+$/, ''),
    nodeInfo: () => {
      const etcdVersion = options.etcdVersion?.();
      return etcdVersion === undefined ? info : { ...info, etcdVersion };
    },
    configState: () => node.status().sync,
    configItems: () => node.configItems(),
    healthTargets: () => node.status().health,
    workers: () => node.status().workers,
    instanceLoad: () => node.status().load,
  };
}
