/**
 * @module ai-proxy-multi/selection/fallback-policy
 * What `fallback_strategy`, `fallback_http_statuses`, `max_retries` and
 * `retry_on_failure_within_ms` mean for one request (spec §1.6, §1.7), plus Tollgate's lossless
 * retry of failures that happen before any response byte (decision D4). Pure: config in, verdicts
 * out.
 */
import type { AiProxyMultiConf } from '@tollgate/schema';

/** The fallback-related fields of an ai-proxy-multi config. */
export type FallbackConf = Pick<
  AiProxyMultiConf,
  'fallback_strategy' | 'fallback_http_statuses' | 'max_retries' | 'retry_on_failure_within_ms'
> & { readonly instances?: readonly unknown[] };

/** The retry rules of one config, computed once per config. */
export interface FallbackPolicy {
  /** Skip instances whose rate-limit quota is exhausted at pick time (ask `instanceGate`s). */
  readonly rateLimitAware: boolean;
  /** Whether an upstream answer with this status moves the request to another instance. */
  retryOnStatus(status: number): boolean;
  /** Most retries per request; undefined = no cap. */
  readonly maxRetries?: number;
  /** A failed attempt that took longer than this (ms, from its start) is not retried. */
  readonly retryWithinMs?: number;
}

/**
 * APISIX's `has()`: a string strategy must equal `x`, an array must contain it. The schema keeps
 * the two vocabularies apart (`rate_limiting` only in arrays, `instance_health_and_rate_limiting`
 * only as a string).
 */
function has(strategy: AiProxyMultiConf['fallback_strategy'], x: string): boolean {
  if (strategy === undefined) return false;
  if (typeof strategy === 'string') return strategy === x;
  return (strategy as readonly string[]).includes(x);
}

/** Whether any fallback_strategy is configured (an empty array counts as none). */
function strategySet(conf: FallbackConf): boolean {
  const s = conf.fallback_strategy;
  return typeof s === 'string' || (Array.isArray(s) && s.length > 0);
}

/**
 * The fallback policy of a config (spec §1.6 table): `"instance_health_and_rate_limiting"` or
 * `["rate_limiting", ...]` make the pick rate-limit aware; `http_429` retries a 429, `http_5xx`
 * any 500..599; `fallback_http_statuses` adds exact statuses, independently of the strategy.
 *
 * @example
 * const policy = fallbackPolicy({ fallback_strategy: ['rate_limiting', 'http_5xx'] });
 * policy.rateLimitAware; // true
 * policy.retryOnStatus(502); // true
 * policy.retryOnStatus(429); // false
 */
export function fallbackPolicy(conf: FallbackConf): FallbackPolicy {
  const strategy = conf.fallback_strategy;
  const on429 = has(strategy, 'http_429');
  const on5xx = has(strategy, 'http_5xx');
  const extra = new Set<number>(conf.fallback_http_statuses ?? []);
  const rateLimitAware =
    typeof strategy === 'string'
      ? strategy === 'instance_health_and_rate_limiting'
      : has(strategy, 'rate_limiting');
  return {
    rateLimitAware,
    retryOnStatus: (status) =>
      (status === 429 && on429) || (status >= 500 && status < 600 && on5xx) || extra.has(status),
    ...(conf.max_retries !== undefined ? { maxRetries: conf.max_retries } : {}),
    ...(conf.retry_on_failure_within_ms !== undefined
      ? { retryWithinMs: conf.retry_on_failure_within_ms }
      : {}),
  };
}

/**
 * Tollgate D4: a failure before any response byte arrived (connection refused or reset, connect
 * timeout, TLS failure) is retried on another instance whenever the config has more than one
 * instance and any `fallback_strategy` (or `fallback_http_statuses`) is set, whatever statuses the
 * strategy names: the LLM produced nothing, so a retry cannot duplicate work.
 *
 * @example
 * retryOnTransportError({ instances: [a, b], fallback_strategy: 'instance_health_and_rate_limiting' }); // true
 */
export function retryOnTransportError(conf: FallbackConf): boolean {
  if ((conf.instances?.length ?? 0) < 2) return false;
  return strategySet(conf) || (conf.fallback_http_statuses?.length ?? 0) > 0;
}

/** One failed attempt, as the retry decision sees it. */
export interface FailedAttempt {
  /** Upstream status; absent for a failure before any response byte. */
  readonly status?: number;
  /** Milliseconds from the start of this attempt to its failure. */
  readonly elapsedMs: number;
  /** Retries this request already made (0 after the first attempt). */
  readonly retriesDone: number;
}

/**
 * Whether a failed attempt is retried (spec §1.7 step 4, in APISIX's order): the failure must be
 * retryable (its status per the policy, or a pre-byte transport failure per D4); then a slow
 * failure (`elapsedMs > retryWithinMs`) is returned as is; then `max_retries` caps the count.
 * The caps apply to transport-failure retries too [INFERRED: APISIX counted those as 5xx].
 * Single-instance configs never retry; the caller checks that (it has no picker to retry with).
 *
 * @example
 * shouldRetry(policy, true, { status: 503, elapsedMs: 40, retriesDone: 0 }); // true with http_5xx
 */
export function shouldRetry(
  policy: FallbackPolicy,
  transportRetry: boolean,
  attempt: FailedAttempt,
): boolean {
  const retryable =
    attempt.status === undefined ? transportRetry : policy.retryOnStatus(attempt.status);
  if (!retryable) return false;
  if (policy.retryWithinMs !== undefined && attempt.elapsedMs > policy.retryWithinMs) return false;
  if (policy.maxRetries !== undefined && attempt.retriesDone + 1 > policy.maxRetries) return false;
  return true;
}
