/**
 * @module prometheus/quota
 * Token quota outcomes for Tollgate's metrics: refusals (from the `<plugin>_decision` variables
 * the quota plugins set) and the tokens left per counter (from the `X-AI-*RateLimit-Remaining*`
 * headers they add to the response). A remaining value is kept until its window resets (the
 * matching `Reset` header), so a worker never reports a window that has ended.
 */
import { ownValue, type RequestContext } from '@tollgate/core';
import { quotaNames } from '../ai-quota/variables';

/** The token quota plugins, in the order they run (consumer quotas first). */
export const QUOTA_PLUGINS = ['ai-consumer-rate-limiting', 'ai-rate-limiting'] as const;

/** One refusal: which plugin refused, whom, for which instance. */
export interface QuotaRejection {
  plugin: string;
  consumer: string;
  instance: string;
}

/** The refusals of `ctx` (at most one per quota plugin). */
export function quotaRejections(ctx: RequestContext): QuotaRejection[] {
  const out: QuotaRejection[] = [];
  for (const plugin of QUOTA_PLUGINS) {
    if (ctx.vars.get(quotaNames(plugin).decision) !== 'rejected') continue;
    out.push({
      plugin,
      consumer: ctx.consumer?.username ?? '',
      instance: ctx.ai?.instance?.name ?? '',
    });
  }
  return out;
}

/** Tokens one request reserved and settled, per quota plugin (from the `<plugin>_*_tokens` variables). */
export interface QuotaTokens {
  labels: QuotaRejection;
  reserved: number;
  settled: number;
}

/** What each quota plugin reserved and settled for `ctx`. */
export function quotaTokens(ctx: RequestContext): QuotaTokens[] {
  const out: QuotaTokens[] = [];
  for (const plugin of QUOTA_PLUGINS) {
    const names = quotaNames(plugin);
    const reserved = ctx.vars.get(names.reservedTokens);
    const settled = ctx.vars.get(names.settledTokens);
    if (typeof reserved !== 'number' && typeof settled !== 'number') continue;
    out.push({
      labels: {
        plugin,
        consumer: ctx.consumer?.username ?? '',
        instance: ctx.ai?.instance?.name ?? '',
      },
      reserved: typeof reserved === 'number' ? reserved : 0,
      settled: typeof settled === 'number' ? settled : 0,
    });
  }
  return out;
}

/** `X-AI-RateLimit-Remaining-<instance>` / `X-AI-Consumer-RateLimit-Remaining-<instance>`. */
const INSTANCE_HEADER = /^x-ai-(consumer-)?ratelimit-remaining-(.+)$/i;
/** Rule quotas: `X-AI-<prefix>-RateLimit-Remaining` / `X-AI-Consumer-<prefix>-RateLimit-Remaining`. */
const RULE_HEADER = /^x-ai-(consumer-)?(.+)-ratelimit-remaining$/i;

/** A remaining-tokens reading taken from one response header. */
export interface QuotaReading {
  plugin: string;
  /** The instance name, or `rule:<header_prefix>` for a rule quota. */
  instance: string;
  remaining: number;
  /** Seconds until the window resets, when the response said. */
  resetSeconds?: number;
}

function pluginOf(consumerFlag: string | undefined): string {
  return consumerFlag ? 'ai-consumer-rate-limiting' : 'ai-rate-limiting';
}

/** Every remaining-tokens reading in the headers the quota plugins added to this response. */
export function quotaReadings(headers: Readonly<Record<string, string>>): QuotaReading[] {
  const out: QuotaReading[] = [];
  for (const [name, value] of Object.entries(headers)) {
    let plugin: string;
    let instanceName: string;
    let resetName: string;
    const instance = INSTANCE_HEADER.exec(name);
    if (instance) {
      plugin = pluginOf(instance[1]);
      instanceName = instance[2] ?? '';
      resetName = name.replace(/remaining/i, (m) => (m === 'Remaining' ? 'Reset' : 'reset'));
    } else {
      const rule = RULE_HEADER.exec(name);
      if (!rule) continue;
      plugin = pluginOf(rule[1]);
      instanceName = `rule:${rule[2] ?? ''}`;
      resetName = name.replace(/remaining$/i, (m) => (m === 'Remaining' ? 'Reset' : 'reset'));
    }
    const remaining = Number(value);
    if (!Number.isFinite(remaining)) continue;
    const reset = Number(ownValue(headers, resetName));
    // Built member by member, on every request: a spread with more members would give each
    // reading a map of its own (see shallowCopy in @tollgate/core).
    const reading: QuotaReading = { plugin, instance: instanceName, remaining };
    if (Number.isFinite(reset)) reading.resetSeconds = reset;
    out.push(reading);
  }
  return out;
}

interface RemainingEntry {
  labels: { plugin: string; instance: string; consumer: string };
  remaining: number;
  /** Epoch ms when the window resets (Infinity when unknown). */
  expiresAt: number;
}

/**
 * The last remaining-tokens value per (plugin, instance, consumer) seen by this worker.
 *
 * @example
 * const table = new QuotaRemainingTable();
 * table.observe(ctx);                       // in the log phase
 * table.fill((labels, value) => gauge.set(labels, value)); // at scrape time
 */
export class QuotaRemainingTable {
  private readonly entries = new Map<string, RemainingEntry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Take the readings of a finished request. */
  observe(ctx: RequestContext): void {
    const readings = quotaReadings(ctx.response.extraHeaders);
    if (readings.length === 0) return;
    const consumer = ctx.consumer?.username ?? '';
    const now = this.now();
    for (const r of readings) {
      const key = `${r.plugin}\n${r.instance}\n${consumer}`;
      this.entries.set(key, {
        labels: { plugin: r.plugin, instance: r.instance, consumer },
        remaining: r.remaining,
        expiresAt: r.resetSeconds === undefined ? Infinity : now + r.resetSeconds * 1000,
      });
    }
  }

  /** Report every live value; values of windows that have reset are dropped. */
  fill(set: (labels: RemainingEntry['labels'], value: number) => void): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
      else set(entry.labels, entry.remaining);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
