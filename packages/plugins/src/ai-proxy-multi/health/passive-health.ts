/**
 * @module ai-proxy-multi/health/passive-health
 * Passive health of LLM instances, judged from live traffic in one worker (Tollgate D4): an opossum
 * circuit breaker per instance, plus the Retry-After windows providers announce.
 *
 * How results reach opossum: a breaker wraps a no-op action, and each recorded outcome is one
 * `fire()` that resolves (success) or rejects (failure) with it. opossum then owns the breaker's
 * life: `errorFilter` (4xx other than 429 never count as failures, style §1.4), the open →
 * half-open timer (`resetTimeout`), the single half-open trial (its failure re-opens, its success
 * closes) and the rolling stats. opossum trips on an error percentage, not on consecutive
 * failures, so its own trip rule is switched off (`volumeThreshold` never reached) and the trip
 * rule here is APISIX's passive one: `unhealthy.http_failures` / `tcp_failures` / `timeouts`
 * consecutive failures of one kind, any success resetting them (lua-resty-healthcheck counters),
 * after which we call `breaker.open()`. That count runs synchronously in `record*` (opossum
 * settles a success a microtask before a failure, so its events can arrive out of order); a
 * half-open trial's verdict lands within microtasks, before the next macrotask.
 */
import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import type { HealthCheckPassive } from '@tollgate/schema';

/** A breaker's state, for metrics. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** How an attempt failed before any response byte. */
export type FailureKind = 'connect' | 'timeout' | 'reset';

/** One failed attempt. */
export interface FailureInfo {
  /** Upstream status, when the upstream answered. */
  readonly status?: number;
  /** The upstream's Retry-After, in milliseconds (honoured on 429 and 503). */
  readonly retryAfterMs?: number;
  /** For failures without a status; default `connect`. */
  readonly kind?: FailureKind;
}

/** Minimal logger (winston's shape). */
export interface PassiveHealthLogger {
  warn(msg: string, meta?: Record<string, unknown>): unknown;
  info(msg: string, meta?: Record<string, unknown>): unknown;
}

export interface PassiveHealthOptions {
  /** Milliseconds an open breaker waits before its half-open trial; default 10,000. */
  readonly resetTimeoutMs?: number;
  /** Consecutive failures that open a breaker without `checks.passive`; default 3. */
  readonly defaultThreshold?: number;
  /** Longest Retry-After honoured, in milliseconds; default one hour. */
  readonly maxRetryAfterMs?: number;
  /** Clock for Retry-After windows; default `Date.now`. */
  readonly now?: () => number;
  /**
   * `apisix.disable_upstream_healthcheck`: record nothing, so no instance is ever rested (no
   * breaker, no Retry-After window) and weights alone decide.
   */
  readonly disabled?: boolean;
  /** Told about every breaker state change (metrics, logs). */
  readonly onStateChange?: (targetKey: string, state: BreakerState) => void;
  readonly logger?: PassiveHealthLogger;
}

/** APISIX's passive-check defaults (schema `health-check-passive`). */
const PASSIVE_DEFAULTS = { http: 5, tcp: 2, timeout: 7, statuses: [429, 500, 503] };

interface Rules {
  readonly http: number;
  readonly tcp: number;
  readonly timeout: number;
  /** Statuses that count as failures; undefined = 429 and every 5xx. */
  readonly statuses?: ReadonlySet<number>;
}

type Counter = 'http' | 'tcp' | 'timeout';

/** The rejection a recorded failure fires with. */
class RecordedFailure extends Error {
  constructor(
    readonly counter: Counter,
    readonly status: number | undefined,
  ) {
    super(status === undefined ? `${counter} failure` : `upstream status ${status}`);
  }
}

interface Entry {
  readonly breaker: CircuitBreaker<[RecordedFailure | undefined], void>;
  readonly rules: Rules;
  readonly fingerprint: string;
  readonly counts: Record<Counter, number>;
  /** Epoch ms until which a Retry-After keeps the instance out. */
  blockedUntil: number;
}

const isClientError = (status: number | undefined): boolean =>
  status !== undefined && status >= 400 && status < 500 && status !== 429;

function rulesOf(passive: Partial<HealthCheckPassive> | undefined, fallback: number): Rules {
  if (!passive) return { http: fallback, tcp: fallback, timeout: fallback };
  const u = passive.unhealthy;
  return {
    http: u?.http_failures ?? PASSIVE_DEFAULTS.http,
    tcp: u?.tcp_failures ?? PASSIVE_DEFAULTS.tcp,
    timeout: u?.timeouts ?? PASSIVE_DEFAULTS.timeout,
    statuses: new Set(u?.http_statuses ?? PASSIVE_DEFAULTS.statuses),
  };
}

/**
 * The passive health of every instance a worker serves, keyed by `healthTargetKey`. Breakers are
 * created on first use (or by `configure`) and dropped by `retain`.
 *
 * @example
 * const passive = new PassiveHealth();
 * passive.configure(key, instance.checks?.passive);
 * passive.recordFailure(key, { status: 429, retryAfterMs: 20_000 }); // out for 20 s
 * passive.isOpen(key); // true
 */
export class PassiveHealth {
  private readonly entries = new Map<string, Entry>();
  private readonly rotate = new EventEmitter();
  private rotateTimer: NodeJS.Timeout | undefined;
  private readonly resetTimeoutMs: number;
  private readonly defaultThreshold: number;
  private readonly maxRetryAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly options: PassiveHealthOptions = {}) {
    this.resetTimeoutMs = options.resetTimeoutMs ?? 10_000;
    this.defaultThreshold = options.defaultThreshold ?? 3;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
    this.rotate.setMaxListeners(0);
  }

  /**
   * Set the rules of `targetKey` from the instance's `checks.passive` (absent: the Tollgate
   * default of `defaultThreshold` consecutive failures of any kind, on 429 or any 5xx). Unchanged
   * rules keep the breaker and its state; changed rules start a fresh breaker.
   */
  configure(targetKey: string, passive?: Partial<HealthCheckPassive>): void {
    if (this.options.disabled) return;
    this.replace(targetKey, passive);
  }

  /** True while the instance must rest: its breaker is open, or a Retry-After window runs. */
  isOpen(targetKey: string): boolean {
    const entry = this.entries.get(targetKey);
    if (!entry) return false;
    return entry.breaker.opened || this.now() < entry.blockedUntil;
  }

  /** The breaker's state (a Retry-After window alone leaves it `closed`). */
  state(targetKey: string): BreakerState {
    const breaker = this.entries.get(targetKey)?.breaker;
    if (!breaker || breaker.closed) return 'closed';
    return breaker.opened ? 'open' : 'half-open';
  }

  /** Milliseconds left in the instance's Retry-After window (0 when none). */
  retryAfterRemainingMs(targetKey: string): number {
    const entry = this.entries.get(targetKey);
    return entry ? Math.max(0, entry.blockedUntil - this.now()) : 0;
  }

  /** The instance answered well: consecutive failures reset; a half-open trial closes the breaker. */
  recordSuccess(targetKey: string): void {
    if (this.options.disabled) return;
    const entry = this.entry(targetKey);
    resetCounts(entry);
    this.fire(entry, undefined);
  }

  /**
   * The instance failed an attempt. A status counts when it is one of the unhealthy statuses (429
   * and 5xx by default); 4xx other than 429 count as a sign of life (opossum `errorFilter`);
   * other statuses are ignored. A failure without a status counts as a TCP failure (`connect`,
   * `reset`) or a timeout. A 429 or 503 with Retry-After keeps the instance out for that long,
   * even while its breaker stays closed.
   */
  recordFailure(targetKey: string, info: FailureInfo = {}): void {
    if (this.options.disabled) return;
    const entry = this.entry(targetKey);
    const { status, retryAfterMs } = info;
    if (
      retryAfterMs !== undefined &&
      retryAfterMs > 0 &&
      (status === undefined || status === 429 || status === 503)
    ) {
      const until = this.now() + Math.min(retryAfterMs, this.maxRetryAfterMs);
      entry.blockedUntil = Math.max(entry.blockedUntil, until);
    }
    if (status !== undefined) {
      const counts = entry.rules.statuses
        ? entry.rules.statuses.has(status)
        : status === 429 || (status >= 500 && status < 600);
      if (isClientError(status)) resetCounts(entry);
      else if (counts) this.count(entry, 'http');
      else return;
      this.fire(entry, new RecordedFailure('http', status));
      return;
    }
    const counter = info.kind === 'timeout' ? 'timeout' : 'tcp';
    this.count(entry, counter);
    this.fire(entry, new RecordedFailure(counter, undefined));
  }

  /** An active probe found the instance healthy again: close its breaker, reset its counts. */
  markHealthy(targetKey: string): void {
    const entry = this.entries.get(targetKey);
    if (!entry) return;
    resetCounts(entry);
    entry.breaker.close();
  }

  /** Drop the breakers of every key not in `keys` (instances no longer configured). */
  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const [key, entry] of this.entries) {
      if (keep.has(key)) continue;
      entry.breaker.shutdown();
      this.entries.delete(key);
    }
    if (this.entries.size === 0) this.stopRotation();
  }

  /** Known target keys. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Shut every breaker down and stop the stats timer. */
  close(): void {
    this.retain([]);
  }

  private entry(targetKey: string): Entry {
    return this.entries.get(targetKey) ?? this.replace(targetKey, undefined);
  }

  /** One more consecutive failure of a kind; trips a closed breaker at the threshold. */
  private count(entry: Entry, counter: Counter): void {
    if (!entry.breaker.closed) return;
    entry.counts[counter] += 1;
    if (entry.counts[counter] >= entry.rules[counter]) entry.breaker.open();
  }

  private fire(entry: Entry, outcome: RecordedFailure | undefined): void {
    // A closed breaker only trips through count(), and its rolling stats are read by nothing:
    // firing it would cost a promise and two events on every request for no effect. Open and
    // half-open breakers get the outcome (a half-open trial closes or re-opens on it).
    if (entry.breaker.closed) return;
    // A rejection is the recorded failure itself, or opossum refusing while open: nothing to do.
    entry.breaker.fire(outcome).catch(() => undefined);
  }

  /** The entry of `targetKey` under these rules: the existing one if its rules match. */
  private replace(targetKey: string, passive: Partial<HealthCheckPassive> | undefined): Entry {
    const rules = rulesOf(passive, this.defaultThreshold);
    const fingerprint = JSON.stringify({
      ...rules,
      statuses: rules.statuses && [...rules.statuses],
    });
    const existing = this.entries.get(targetKey);
    if (existing?.fingerprint === fingerprint) return existing;
    if (existing) existing.breaker.shutdown();
    const entry = this.create(targetKey, rules, fingerprint);
    if (existing) entry.blockedUntil = existing.blockedUntil;
    this.entries.set(targetKey, entry);
    return entry;
  }

  private create(targetKey: string, rules: Rules, fingerprint: string): Entry {
    this.startRotation();
    const breaker = new CircuitBreaker<[RecordedFailure | undefined], void>(
      (outcome) => (outcome ? Promise.reject(outcome) : Promise.resolve()),
      {
        name: targetKey,
        timeout: false,
        resetTimeout: this.resetTimeoutMs,
        // opossum's percentage rule never trips; `count()` applies the consecutive-failure rule.
        errorThresholdPercentage: 100,
        volumeThreshold: Number.MAX_SAFE_INTEGER,
        errorFilter: (err: unknown) => err instanceof RecordedFailure && isClientError(err.status),
        rollingCountTimeout: 10_000,
        rollingCountBuckets: 10,
        rollingPercentilesEnabled: false,
        enableSnapshots: false,
        rotateBucketController: this.rotate,
      },
    );
    const entry: Entry = {
      breaker,
      rules,
      fingerprint,
      counts: { http: 0, tcp: 0, timeout: 0 },
      blockedUntil: 0,
    };
    breaker.on('open', () => {
      resetCounts(entry);
      this.options.logger?.warn('instance breaker open', { target: targetKey });
      this.options.onStateChange?.(targetKey, 'open');
    });
    breaker.on('halfOpen', () => this.options.onStateChange?.(targetKey, 'half-open'));
    breaker.on('close', () => {
      resetCounts(entry);
      this.options.logger?.info('instance breaker closed', { target: targetKey });
      this.options.onStateChange?.(targetKey, 'closed');
    });
    return entry;
  }

  private startRotation(): void {
    if (this.rotateTimer) return;
    // One timer rotates every breaker's stats window (opossum would start one per breaker).
    this.rotateTimer = setInterval(() => this.rotate.emit('rotate'), 1_000);
    this.rotateTimer.unref();
  }

  private stopRotation(): void {
    if (this.rotateTimer) clearInterval(this.rotateTimer);
    this.rotateTimer = undefined;
  }
}

function resetCounts(entry: Entry): void {
  entry.counts.http = 0;
  entry.counts.tcp = 0;
  entry.counts.timeout = 0;
}
