/**
 * @module health/health-table
 * A worker's copy of its node's active health-check verdicts, updated by the primary.
 */
import type { HealthView } from '@tollgate/core';

export class HealthTable implements HealthView {
  private readonly unhealthy = new Set<string>();
  private readonly listeners: ((targetKey: string, healthy: boolean) => void)[] = [];

  /** `disabled`: the node runs no health checks (`apisix.disable_upstream_healthcheck`). */
  constructor(readonly disabled = false) {}

  isHealthy(targetKey: string): boolean {
    return !this.unhealthy.has(targetKey);
  }

  onChange(listener: (targetKey: string, healthy: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Replace every verdict (a worker that just started). */
  reset(unhealthy: Iterable<string>): void {
    this.unhealthy.clear();
    for (const key of unhealthy) this.unhealthy.add(key);
  }

  /** A probe passed for a healthy target: listeners hear it as a (re)confirmed healthy verdict. */
  confirm(targetKey: string): void {
    if (!this.isHealthy(targetKey)) return;
    for (const listener of this.listeners) listener(targetKey, true);
  }

  set(targetKey: string, healthy: boolean): void {
    if (healthy === this.isHealthy(targetKey)) return;
    if (healthy) this.unhealthy.delete(targetKey);
    else this.unhealthy.add(targetKey);
    for (const listener of this.listeners) listener(targetKey, healthy);
  }
}
