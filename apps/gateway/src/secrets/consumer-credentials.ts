/**
 * @module secrets/consumer-credentials
 * Consumer credentials given as references (a key-auth `key` of `$secret://vault/1/jack/key`), as
 * APISIX's consumer.lua resolves each consumer's auth conf when it builds its lookup table: once per
 * config snapshot, in the background; until a value arrives (or when it cannot be resolved) the
 * credential matches only its literal text, as APISIX keeps the literal. A failure is logged with
 * the reference, never a value.
 */
import type { Logger } from '@tollgate/core';
import type { SnapshotConsumers } from '../config/consumer-directory';
import { findReferences, substitute } from './references';
import { SecretReferenceError, type SecretResolver } from './resolver';

/** Resolves the references of `consumers`' auth confs and indexes them under their values. */
export async function resolveConsumerCredentials(
  consumers: SnapshotConsumers,
  resolver: SecretResolver,
  log: Logger,
): Promise<void> {
  await Promise.all(
    consumers.withReferences.map(async (credential) => {
      const sites = findReferences(credential.conf);
      try {
        const values = await Promise.all(sites.map((site) => resolver.resolve(site.reference)));
        const resolved = substitute(credential.conf, sites, values) as Record<string, unknown>;
        consumers.addResolved(credential, resolved);
      } catch (err) {
        if (!(err instanceof SecretReferenceError)) throw err;
        log.error('failed to resolve a secret reference', {
          owner: `consumers/${credential.consumer.username}`,
          plugin: credential.plugin,
          reference: err.reference,
          reason: err.reason,
        });
      }
    }),
  );
}
