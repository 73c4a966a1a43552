/**
 * @module tls/https-listeners
 * A worker's HTTPS listeners (`apisix.ssl.listen`) kept on the current config: every config
 * update rebuilds the SSL table (unchanged SSLs keep their contexts) and hands it to each
 * listener at once, including listeners created after the first update; so does an SSL whose
 * secret references were just resolved.
 */
import type { RequestListener } from 'node:http';
import type { Logger } from '@tollgate/core';
import type { ConfigValue } from '../config/update';
import {
  createTlsGatewayServer,
  type TlsGatewayServer,
  type TlsServer,
  type TlsSettings,
} from './listener';
import { SslTableBuilder, type SslTable } from './server-ssls';
import { SslSecrets, type ResolveReference } from './ssl-secrets';

export class HttpsListeners {
  private readonly builder: SslTableBuilder;
  private readonly secrets: SslSecrets;
  private readonly listeners: TlsGatewayServer[] = [];
  private table: SslTable | undefined;
  private items: ReadonlyMap<string, ConfigValue> = new Map();
  private problemsLogged = '';

  constructor(
    private readonly settings: TlsSettings,
    private readonly log: Logger,
    resolve: ResolveReference,
  ) {
    this.builder = new SslTableBuilder(settings.fallbackSni);
    this.secrets = new SslSecrets(resolve, () => this.update(this.items), log);
  }

  /** Serve the SSLs of `items` (the worker's validated config) from now on. */
  update(items: ReadonlyMap<string, ConfigValue>): void {
    this.items = items;
    const { table, problems } = this.builder.build(this.secrets.view(items));
    this.table = table;
    for (const listener of this.listeners) listener.setTable(table);
    const summary = JSON.stringify(problems);
    if (summary !== this.problemsLogged && problems.length > 0) {
      this.log.warn('ssls not served', { problems });
    }
    this.problemsLogged = summary;
  }

  /** A new HTTPS listener for `handler`, serving the current SSLs; not yet listening. */
  create(handler: RequestListener): TlsServer {
    const listener = createTlsGatewayServer(this.settings, handler);
    if (this.table) listener.setTable(this.table);
    this.listeners.push(listener);
    return listener.server;
  }
}
