/**
 * @module health/target-verdict
 * lua-resty-healthcheck's counting for one target: a success counter and three failure counters
 * (HTTP, TCP, timeout), each with its own threshold. A failure resets only the success counter; a
 * success resets all three failure counters. A target starts healthy, turns unhealthy when one
 * failure counter reaches its threshold, and healthy again after `successes` consecutive successes.
 * Pure: fed probe outcomes, it reports transitions.
 */
import type { ProbeSpec } from './probe-spec';

/** What one probe found. */
export type ProbeOutcome =
  /** An HTTP response arrived with this status (0: unparsable response). */
  | { readonly kind: 'status'; readonly status: number }
  /** A tcp probe connected. */
  | { readonly kind: 'connected' }
  /** Connecting, TLS, sending or receiving failed. */
  | { readonly kind: 'tcp_failure'; readonly error: string }
  /** The probe did not finish within `timeout`. */
  | { readonly kind: 'timeout'; readonly error: string }
  /** The probe could not be sent (bad configuration); counts as nothing. */
  | { readonly kind: 'error'; readonly error: string };

type FailureCounter = 'http' | 'tcp' | 'timeout';

/** The health verdict of one target. */
export class TargetVerdict {
  healthy = true;
  /** Consecutive successes (reset by any failure). */
  successes = 0;
  private readonly failures: Record<FailureCounter, number> = { http: 0, tcp: 0, timeout: 0 };

  constructor(private readonly rules: Pick<ProbeSpec, 'healthy' | 'unhealthy'>) {}

  /** Consecutive failures of all kinds (reset by any success). */
  get failureCount(): number {
    return this.failures.http + this.failures.tcp + this.failures.timeout;
  }

  /**
   * Count one outcome; returns true when it changed the verdict. A status in
   * `healthy.http_statuses` is a success, one in `unhealthy.http_statuses` (or 0) an HTTP failure,
   * any other status is ignored, as lua-resty-healthcheck's `report_http_status` does.
   */
  apply(outcome: ProbeOutcome): boolean {
    switch (outcome.kind) {
      case 'connected':
        return this.success();
      case 'status':
        if (this.rules.healthy.statuses.includes(outcome.status)) return this.success();
        if (outcome.status === 0 || this.rules.unhealthy.statuses.includes(outcome.status)) {
          return this.failure('http', this.rules.unhealthy.httpFailures);
        }
        return false;
      case 'tcp_failure':
        return this.failure('tcp', this.rules.unhealthy.tcpFailures);
      case 'timeout':
        return this.failure('timeout', this.rules.unhealthy.timeouts);
      case 'error':
        return false;
    }
  }

  private success(): boolean {
    this.failures.http = 0;
    this.failures.tcp = 0;
    this.failures.timeout = 0;
    this.successes += 1;
    if (this.healthy || this.successes < this.rules.healthy.successes) return false;
    this.healthy = true;
    return true;
  }

  private failure(counter: FailureCounter, threshold: number): boolean {
    this.successes = 0;
    this.failures[counter] += 1;
    if (!this.healthy || this.failures[counter] < threshold) return false;
    this.healthy = false;
    return true;
  }
}
