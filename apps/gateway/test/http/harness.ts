/**
 * An in-process data plane for tests: the worker's node:http server running the request handler
 * over a snapshot built from items, the real upstream proxy, and an echo upstream that reports
 * what it received.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type PluginDefinition, type PluginRegistry } from '@tollgate/core';
import { PLUGINS } from '@tollgate/plugins';
import { Snapshot } from '../../src/config/snapshot';
import { validateItem } from '../../src/config/validate-item';
import type { ConfigValue } from '../../src/config/update';
import { createRequestHandler } from '../../src/http/handler';
import { createGatewayServer } from '../../src/http/server';
import { UpstreamProxy } from '../../src/proxy';

export { startEchoServer as startEchoUpstream, type Echo } from '@tollgate/testkit';

export class DataPlane {
  private snapshot: Snapshot | undefined;
  private readonly proxy = new UpstreamProxy();
  private readonly server: http.Server;
  port = 0;
  private readonly registry: PluginRegistry;

  constructor(extraPlugins: PluginDefinition<unknown>[] = []) {
    this.registry = new Map([...PLUGINS, ...extraPlugins.map((p) => [p.name, p] as const)]);
    // The worker's own server setup (header limit, keep-alive, refusals).
    this.server = createGatewayServer(
      createRequestHandler({
        snapshot: () => this.snapshot,
        proxy: this.proxy,
        logger: createLogger('test'),
      }),
    );
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /**
   * Replace the config with `items` (relative key → value as stored by the Admin API), validated
   * and defaults-filled as the node's sync does. `raw` skips validation (for test-only plugins).
   */
  load(
    items: Record<string, ConfigValue>,
    options: { revision?: number; raw?: boolean } = {},
  ): Snapshot {
    const resolved = new Map<string, ConfigValue>();
    for (const [key, value] of Object.entries(items)) {
      if (options.raw) {
        resolved.set(key, value);
        continue;
      }
      const checked = validateItem(key, JSON.stringify(value));
      if (checked.ok !== true)
        throw new Error(`test config ${key} invalid: ${JSON.stringify(checked)}`);
      resolved.set(key, checked.value);
    }
    this.snapshot = Snapshot.build(resolved, options.revision ?? 1, this.registry);
    return this.snapshot;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    await this.proxy.close();
  }
}
