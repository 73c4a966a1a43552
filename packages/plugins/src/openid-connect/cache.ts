/**
 * @module openid-connect/cache
 * A small per-worker cache with a time to live per entry and a bound on its size (the oldest
 * entry goes first), plus single-flight loading: concurrent misses for one key share one load.
 *
 * @example
 * const docs = new TtlCache<Doc>(256);
 * const doc = await docs.load(url, 86_400_000, () => fetchDoc(url));
 */

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** Entries by string key, each until its expiry. */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live value for `key`, if any. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keep `value` for `ttlMs` (nothing is kept for a ttl of 0 or less). */
  set(key: string, value: V, ttlMs: number): void {
    if (!(ttlMs > 0)) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /** Forget `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /**
   * The cached value, or the result of `loader` (kept for `ttlMs`); concurrent calls for the
   * same key while a load runs share it. A failed load is not kept.
   */
  async load(key: string, ttlMs: number, loader: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    return this.refresh(key, ttlMs, loader);
  }

  /** Load `key` again now (joining a load already running for it). */
  refresh(key: string, ttlMs: number, loader: () => Promise<V>): Promise<V> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = loader()
      .then((value) => {
        this.set(key, value, ttlMs);
        return value;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Drop every entry. */
  clear(): void {
    this.entries.clear();
  }
}
