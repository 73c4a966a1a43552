/**
 * @module secrets/resolver
 * Turns one reference (`$secret://<manager>/<id>/<key>`, `$env://NAME[/field]`) into its value,
 * as APISIX's `secret.lua` `fetch`: successes are cached for `apisix.lru.secret.success.ttl`
 * (default 300 s), failures for `apisix.lru.secret.failure.ttl` (default 60 s), at most
 * `apisix.lru.secret.count` (512) of each, stale entries never served. Tollgate adds
 * single-flight: concurrent requests for one reference share one fetch.
 *
 * A failure is a {@link SecretReferenceError} naming the reference and why, never a value.
 */
import type { SecretManager } from './manager';
import { resolveEnvReference } from './env-reference';
import { SECRET_PREFIX, isReference } from './references';

/** The cache settings (config.yaml `apisix.lru.secret`). */
export interface SecretCacheOptions {
  successTtlMs: number;
  failureTtlMs: number;
  count: number;
}

export const DEFAULT_SECRET_CACHE: SecretCacheOptions = {
  successTtlMs: 300_000,
  failureTtlMs: 60_000,
  count: 512,
};

/** A reference that could not be resolved. The message names the reference, never a value. */
export class SecretReferenceError extends Error {
  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`failed to fetch secret value of ${reference}: ${reason}`);
  }
}

/** Reads the stored `secrets/<manager>/<id>` conf. */
export type SecretConfLookup = (
  manager: string,
  id: string,
) => Readonly<Record<string, unknown>> | undefined;

interface CacheEntry<T> {
  value: T;
  expiresAt: number;
}

/** A bounded map whose entries expire; the oldest entry goes first when it is full. */
class ExpiringCache<T> {
  private readonly entries = new Map<string, CacheEntry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly count: number,
  ) {}

  get(key: string, now: number): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, now: number): void {
    if (this.ttlMs <= 0 || this.count <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.count) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
  }
}

/** `manager`, `id` and `key` of `$secret://<manager>/<id>/<key>` (APISIX's parse_secret_uri). */
function parseSecretUri(reference: string): { manager: string; id: string; key: string } {
  const path = reference.slice(SECRET_PREFIX.length);
  const first = path.indexOf('/');
  if (first < 0) throw new Error('error format: no secret manager');
  const second = path.indexOf('/', first + 1);
  if (second < 0) throw new Error('error format: no secret conf id');
  const key = path.slice(second + 1);
  if (key === '') throw new Error('error format: no secret key id');
  return { manager: path.slice(0, first), id: path.slice(first + 1, second), key };
}

/** Resolves references with caching and single-flight. */
export class SecretResolver {
  private readonly successes: ExpiringCache<string>;
  private readonly failures: ExpiringCache<string>;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly lookup: SecretConfLookup,
    private readonly managers: ReadonlyMap<string, SecretManager>,
    options: SecretCacheOptions = DEFAULT_SECRET_CACHE,
    private readonly fetchTimeoutMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.successes = new ExpiringCache(options.successTtlMs, options.count);
    this.failures = new ExpiringCache(options.failureTtlMs, options.count);
  }

  /** The value of `reference`; rejects with a {@link SecretReferenceError}. */
  resolve(reference: string): Promise<string> {
    const now = this.now();
    const cached = this.successes.get(reference, now);
    if (cached !== undefined) return Promise.resolve(cached);
    const failed = this.failures.get(reference, now);
    if (failed !== undefined) return Promise.reject(new SecretReferenceError(reference, failed));
    const pending = this.inFlight.get(reference);
    if (pending) return pending;
    const flight = this.fetch(reference).then(
      (value) => {
        this.successes.set(reference, value, this.now());
        return value;
      },
      (err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        this.failures.set(reference, reason, this.now());
        throw new SecretReferenceError(reference, reason);
      },
    );
    const settled = flight.finally(() => this.inFlight.delete(reference));
    this.inFlight.set(reference, settled);
    return settled;
  }

  private async fetch(reference: string): Promise<string> {
    if (!isReference(reference)) throw new Error('not a secret reference');
    if (!reference.startsWith(SECRET_PREFIX)) {
      const value = resolveEnvReference(reference);
      if (value === undefined) throw new Error('environment variable (or its field) not set');
      return value;
    }
    const { manager, id, key } = parseSecretUri(reference);
    const conf = this.lookup(manager, id);
    if (conf === undefined) throw new Error(`no secret conf ${manager}/${id}`);
    const secretManager = this.managers.get(manager);
    if (secretManager === undefined) throw new Error(`no secret manager: ${manager}`);
    return secretManager.get(conf, key, AbortSignal.timeout(this.fetchTimeoutMs));
  }
}
