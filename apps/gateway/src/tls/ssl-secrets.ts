/**
 * @module tls/ssl-secrets
 * SSL items whose `cert`, `key`, `certs`, `keys` or `client.ca` are `$secret://` or `$env://`
 * references (APISIX resolves them with `secret.fetch_secrets` before serving the SSL): each
 * item is resolved once per version, off the handshake path, and served from then on; until
 * then (or when a reference fails) the item is handed on unresolved, which the SSL table
 * reports as not served. A failure is logged with the reference, never a value, and retried at
 * the next config change (the resolver's failure cache paces it).
 */
import type { Logger } from '@tollgate/core';
import type { ConfigValue } from '../config/update';
import { findReferences, substitute } from '../secrets/references';
import { SecretReferenceError } from '../secrets/resolver';

/** Resolves one reference to its value (the worker's `SecretResolver`). */
export type ResolveReference = (reference: string) => Promise<string>;

export class SslSecrets {
  private readonly resolved = new WeakMap<ConfigValue, ConfigValue>();
  private readonly pending = new WeakSet<ConfigValue>();

  constructor(
    private readonly resolve: ResolveReference,
    /** Called when an item became servable, to rebuild the SSL table. */
    private readonly onResolved: () => void,
    private readonly log: Logger,
  ) {}

  /** The `ssls/` items of `items`, each replaced by its resolved copy once that is ready. */
  view(items: ReadonlyMap<string, ConfigValue>): Map<string, ConfigValue> {
    const out = new Map<string, ConfigValue>();
    for (const [key, value] of items) {
      if (!key.startsWith('ssls/')) continue;
      out.set(key, this.resolved.get(value) ?? value);
      if (!this.resolved.has(value) && !this.pending.has(value)) this.start(key, value);
    }
    return out;
  }

  private start(key: string, value: ConfigValue): void {
    const sites = findReferences(value);
    if (sites.length === 0) return;
    this.pending.add(value);
    Promise.all(sites.map((site) => this.resolve(site.reference))).then(
      (values) => {
        this.pending.delete(value);
        this.resolved.set(value, substitute(value, sites, values) as ConfigValue);
        this.onResolved();
      },
      (err: unknown) => {
        this.pending.delete(value);
        this.log.error('ssl not served: a secret reference could not be resolved', {
          ssl: key,
          ...(err instanceof SecretReferenceError
            ? { reference: err.reference, reason: err.reason }
            : {}),
        });
      },
    );
  }
}
