/**
 * @module errors
 * The one catalogue of Tollgate's typed errors. Internal helpers throw these; the surface that
 * catches them (Admin API, gateway runner) turns `status` and `message` into its wire envelope.
 * The export name of each class equals its `code`, and every code is listed in docs/errors.md
 * (both enforced by errors.test.ts).
 */

const BRAND = Symbol.for('tollgate.error');

/** Base class of every error Tollgate throws on purpose. */
export abstract class GatewayError extends Error {
  readonly [BRAND] = true;
  /** Stable machine-readable code, `TOLLGATE_ERR_<AREA>_<WHAT>`. */
  abstract readonly code: string;
  /** HTTP status the surface should answer with. */
  abstract readonly status: number;
  /** Whether `message` may reach a client verbatim. */
  readonly expose: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for any GatewayError, even one created by a duplicate copy of this package. */
export function isGatewayError(err: unknown): err is GatewayError {
  return (
    typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true
  );
}

/** The config store (etcd or embedded) cannot be reached or timed out. Retryable. */
export class TOLLGATE_ERR_STORE_UNAVAILABLE extends GatewayError {
  readonly code = 'TOLLGATE_ERR_STORE_UNAVAILABLE';
  readonly status = 503;
}

/** A watch asked for history the store has already compacted; the reader must resync. */
export class TOLLGATE_ERR_STORE_COMPACTED extends GatewayError {
  readonly code = 'TOLLGATE_ERR_STORE_COMPACTED';
  readonly status = 503;
  constructor(readonly compactRevision: number) {
    super(`required revision has been compacted (compact revision ${compactRevision})`);
  }
}

/** The embedded store's data directory is held by another process. */
export class TOLLGATE_ERR_STORE_LOCKED extends GatewayError {
  readonly code = 'TOLLGATE_ERR_STORE_LOCKED';
  readonly status = 500;
}

/** The embedded store's files cannot be read back (corrupt beyond the last complete record). */
export class TOLLGATE_ERR_STORE_CORRUPT extends GatewayError {
  readonly code = 'TOLLGATE_ERR_STORE_CORRUPT';
  readonly status = 500;
  override readonly expose = false;
}

/** conf/config.yaml (or an override) is invalid; the message names the key and the problem. */
export class TOLLGATE_ERR_CONFIG_INVALID extends GatewayError {
  readonly code = 'TOLLGATE_ERR_CONFIG_INVALID';
  readonly status = 500;
}

/** A resource or plugin configuration failed its schema or cross-field check. */
export class TOLLGATE_ERR_SCHEMA_CHECK extends GatewayError {
  readonly code = 'TOLLGATE_ERR_SCHEMA_CHECK';
  readonly status = 400;
}

export {
  TOLLGATE_ERR_STORE_UNAVAILABLE as StoreUnavailableError,
  TOLLGATE_ERR_STORE_COMPACTED as StoreCompactedError,
  TOLLGATE_ERR_STORE_LOCKED as StoreLockedError,
  TOLLGATE_ERR_STORE_CORRUPT as StoreCorruptError,
  TOLLGATE_ERR_CONFIG_INVALID as ConfigInvalidError,
  TOLLGATE_ERR_SCHEMA_CHECK as SchemaCheckError,
};
