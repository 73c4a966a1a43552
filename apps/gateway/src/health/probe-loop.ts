/**
 * @module health/probe-loop
 * The probe timer of one target: probe, count, wait `healthy.interval` or `unhealthy.interval`
 * seconds depending on the verdict, probe again. The first probe goes out at once. Timers are
 * unref'd, so probing never keeps a process alive; `stop` aborts a probe in flight.
 */
import type { Prober } from './prober';
import type { ProbeSpec } from './probe-spec';
import { TargetVerdict, type ProbeOutcome } from './target-verdict';

/** What `ActiveHealthChecker.status()` reports of one target. */
export interface TargetStatus {
  targetKey: string;
  /** Config item holding the plugin (`routes/1`). */
  owner: string;
  instance: string;
  /** `host:port` probed, and how. */
  target: string;
  type: ProbeSpec['type'];
  healthy: boolean;
  /** Epoch ms of the last finished probe. */
  lastProbeAt?: number;
  /** Why the last failed probe failed. */
  lastError?: string;
  /** Consecutive successful probes. */
  successes: number;
  /** Consecutive failed probes (HTTP, TCP and timeouts together). */
  failures: number;
}

export interface ProbeLoopOptions {
  readonly targetKey: string;
  readonly owner: string;
  readonly instance: string;
  readonly spec: ProbeSpec;
  readonly prober: Prober;
  /** Called on every verdict change. */
  readonly onTransition: (healthy: boolean, outcome: ProbeOutcome) => void;
  /** Called after every probe that succeeded while the target is healthy. */
  readonly onHealthyProbe?: () => void;
  /** Called if a probe cycle itself fails (a bug); probing goes on. */
  readonly onError: (err: unknown) => void;
}

/** Why a probe counted as failed (or could not run); undefined for successes and ignored statuses. */
function failureText(outcome: ProbeOutcome, spec: ProbeSpec): string | undefined {
  switch (outcome.kind) {
    case 'connected':
      return undefined;
    case 'status':
      if (outcome.status === 0) return 'invalid HTTP response';
      if (spec.healthy.statuses.includes(outcome.status)) return undefined;
      return spec.unhealthy.statuses.includes(outcome.status)
        ? `HTTP ${outcome.status}`
        : undefined;
    default:
      return outcome.error;
  }
}

/** Probes one target until stopped. */
export class ProbeLoop {
  readonly verdict: TargetVerdict;
  private lastProbeAt: number | undefined;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly stopper = new AbortController();

  constructor(private readonly options: ProbeLoopOptions) {
    this.verdict = new TargetVerdict(options.spec);
  }

  get healthy(): boolean {
    return this.verdict.healthy;
  }

  start(): void {
    this.schedule(0);
  }

  status(): TargetStatus {
    const { targetKey, owner, instance, spec } = this.options;
    return {
      targetKey,
      owner,
      instance,
      target: `${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`,
      type: spec.type,
      healthy: this.verdict.healthy,
      ...(this.lastProbeAt !== undefined ? { lastProbeAt: this.lastProbeAt } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      successes: this.verdict.successes,
      failures: this.verdict.failureCount,
    };
  }

  /** Stop probing: no timer left, the probe in flight aborted and awaited, the client closed. */
  async stop(): Promise<void> {
    this.stopper.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.options.prober.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopper.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.cycle()
        .catch((err: unknown) => this.options.onError(err))
        .finally(() => {
          this.running = undefined;
          const { healthy, unhealthy } = this.options.spec;
          this.schedule(this.verdict.healthy ? healthy.intervalMs : unhealthy.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    const outcome = await this.options.prober.probe(this.stopper.signal);
    if (this.stopper.signal.aborted) return;
    this.lastProbeAt = Date.now();
    const failure = failureText(outcome, this.options.spec);
    if (failure !== undefined) this.lastError = failure;
    if (this.verdict.apply(outcome)) this.options.onTransition(this.verdict.healthy, outcome);
    if (failure === undefined && this.verdict.healthy) this.options.onHealthyProbe?.();
  }
}
