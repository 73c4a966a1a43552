/**
 * @module errors
 * The config store's own refusal: an item too large to store. The other store errors
 * (unavailable, compacted, locked, corrupt) are in `@tollgate/core`'s catalogue.
 */
import { GatewayError } from '@tollgate/core';

/**
 * The most bytes a key and its value may take together (UTF-8), in both stores.
 *
 * etcd refuses a request over its `--max-request-bytes` (1.5 MiB by default, the size of the
 * Admin API's largest body) with "request is too large". The raft request around a put adds the
 * key, a header and the lease to the value, so the limit keeps 4 KiB of it free: a value the
 * embedded store accepts is one a default etcd accepts too.
 */
export const MAX_STORED_ITEM_BYTES = 1.5 * 1024 * 1024 - 4 * 1024;

/**
 * A put refused because the key and value are too large for the store: over
 * {@link MAX_STORED_ITEM_BYTES}, or over etcd's own `--max-request-bytes`. Bad input, not an
 * outage: nothing was written, and the same request will never succeed.
 */
export class TOLLGATE_ERR_STORE_VALUE_TOO_LARGE extends GatewayError {
  readonly code = 'TOLLGATE_ERR_STORE_VALUE_TOO_LARGE';
  readonly status = 400;
}

export { TOLLGATE_ERR_STORE_VALUE_TOO_LARGE as StoreValueTooLargeError };

/**
 * A single-key write to the standalone store, whose configuration is only ever replaced whole
 * (the config file, or `PUT /apisix/admin/configs`).
 */
export class TOLLGATE_ERR_STORE_READ_ONLY extends GatewayError {
  readonly code = 'TOLLGATE_ERR_STORE_READ_ONLY';
  readonly status = 405;
}

export { TOLLGATE_ERR_STORE_READ_ONLY as StoreReadOnlyError };

/** The refusal for storing `value` under `key`, or undefined when the store accepts its size. */
export function storedItemTooLarge(
  key: string,
  value: string,
): TOLLGATE_ERR_STORE_VALUE_TOO_LARGE | undefined {
  const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
  if (bytes <= MAX_STORED_ITEM_BYTES) return undefined;
  return new TOLLGATE_ERR_STORE_VALUE_TOO_LARGE(
    `stored item would be ${bytes} bytes with its key, more than the ${MAX_STORED_ITEM_BYTES} the config store accepts`,
  );
}

/** Whether `err` is a {@link StoreValueTooLargeError}, even from a duplicate copy of this package. */
export function isStoreValueTooLarge(err: unknown): err is TOLLGATE_ERR_STORE_VALUE_TOO_LARGE {
  return (
    err instanceof Error &&
    (err as { code?: unknown }).code === 'TOLLGATE_ERR_STORE_VALUE_TOO_LARGE'
  );
}
