/**
 * @module errors
 * Typed errors of `@tollgate/limiter`, in the style of `@tollgate/core`'s catalogue: the export
 * name of each class equals its `code`, and every code is listed in docs/errors.md (both
 * checked by errors.test.ts). Friendly aliases are exported below the classes.
 */
import { GatewayError, isGatewayError } from '@tollgate/core';

/**
 * A counter store could not answer in time: Redis unreachable, frozen or slower than
 * `redis_timeout`, its circuit breaker open, or the node's primary process not answering a
 * worker. The caller (the rate-limiting plugin) decides what to do: `allow_degradation` lets the
 * request through, otherwise it answers 500 as APISIX does. Never exposed (it may name hosts).
 */
export class TOLLGATE_ERR_COUNTER_UNAVAILABLE extends GatewayError {
  readonly code = 'TOLLGATE_ERR_COUNTER_UNAVAILABLE';
  readonly status = 503;
  override readonly expose = false;
}

/** True for a {@link TOLLGATE_ERR_COUNTER_UNAVAILABLE}, even from a duplicate package copy. */
export function isCounterStoreUnavailable(err: unknown): err is TOLLGATE_ERR_COUNTER_UNAVAILABLE {
  return isGatewayError(err) && err.code === 'TOLLGATE_ERR_COUNTER_UNAVAILABLE';
}

export { TOLLGATE_ERR_COUNTER_UNAVAILABLE as CounterStoreUnavailableError };
