/**
 * @module prometheus/series
 * Counters and histograms for the per-request hot path, registered in a prom-client registry
 * like any metric (prom-client's own aggregation registers plain `get()` objects the same way).
 * A request costs one map lookup per series and a few additions: prom-client's own classes
 * validate and hash the label object on every call, several times the cost of the whole
 * recording. Their JSON (`get()`) is prom-client's, so the primary aggregates them unchanged;
 * histogram buckets carry `le` as their last label, where APISIX prints it.
 */
import type { Metric, MetricValue, Registry } from 'prom-client';
import { shallowCopy } from '@tollgate/core';

type Labels<N extends string> = Readonly<Record<N, string>>;

/** A bucket's labels: the series' and `le` (assigned to a copy, so every bucket shares a map). */
function withLe(
  labels: Readonly<Record<string, string>>,
  le: number | string,
): MetricValue<string>['labels'] {
  const out: Record<string, string | number> = shallowCopy(labels);
  out.le = le;
  return out;
}

/** A metric family as prom-client's `get()` returns it. */
export interface SeriesJson {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  aggregator: 'sum';
  values: (MetricValue<string> & { metricName?: string })[];
}

interface Options<N extends string> {
  name: string;
  help: string;
  labelNames: readonly N[];
  registers: Registry[];
}

/** The map key of a label set: its values in label order, each prefixed by its length. */
function keyOf<N extends string>(names: readonly N[], labels: Labels<N>): string {
  let key = '';
  // Length-prefixed, so no value (a client's model name) can make two label sets collide.
  for (const name of names) {
    const value = labels[name];
    key += `${value.length}:${value}`;
  }
  return key;
}

function register(metric: object, registries: Registry[]): void {
  for (const registry of registries) registry.registerMetric(metric as unknown as Metric);
}

/** One number per label set: what counters and gauges share. */
abstract class ValueSeries<N extends string> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: 'counter' | 'gauge';
  readonly aggregator = 'sum';
  private readonly names: readonly N[];
  private series = new Map<string, { labels: Labels<N>; value: number }>();

  constructor(options: Options<N>) {
    this.name = options.name;
    this.help = options.help;
    this.names = options.labelNames;
    register(this, options.registers);
  }

  /** The key `add` takes for `labels`. */
  keyFor(labels: Labels<N>): string {
    return keyOf(this.names, labels);
  }

  /**
   * Add `value` to the series known by `key`, which the caller guarantees stands for exactly one
   * label set; `labels` is called only for a new series (the hot path builds no labels object).
   */
  add(key: string, labels: () => Labels<N>, value = 1): void {
    const series = this.series.get(key);
    if (series) series.value += value;
    else this.series.set(key, { labels: labels(), value });
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- prom-client awaits get()
  async get(): Promise<SeriesJson> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value })),
    };
  }

  reset(): void {
    this.series = new Map();
  }
}

/** A monotonically increasing count per label set. */
export class SeriesCounter<N extends string> extends ValueSeries<N> {
  readonly type = 'counter';

  /** Add `value` (default 1) to the series of `labels`. */
  inc(labels: Labels<N>, value = 1): void {
    this.add(this.keyFor(labels), () => labels, value);
  }
}

/**
 * A value per label set that moves both ways (calls in flight: `add(key, labels, 1)`, then
 * `-1`). A series that returns to 0 stays, at 0, as prom-client's gauges keep theirs.
 */
export class SeriesGauge<N extends string> extends ValueSeries<N> {
  readonly type = 'gauge';
}

interface HistogramSeries<N extends string> {
  labels: Labels<N>;
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** Observations per label set in fixed buckets (`le` bounds), with their sum and count. */
export class SeriesHistogram<N extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly names: readonly N[];
  private readonly bounds: readonly number[];
  private series = new Map<string, HistogramSeries<N>>();

  constructor(options: Options<N> & { buckets: readonly number[] }) {
    this.name = options.name;
    this.help = options.help;
    this.names = options.labelNames;
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    register(this, options.registers);
  }

  observe(labels: Labels<N>, value: number): void {
    this.record(keyOf(this.names, labels), () => labels, value);
  }

  /** `observe` for the series known by `key` (see SeriesCounter.add). */
  record(key: string, labels: () => Labels<N>, value: number): void {
    if (!Number.isFinite(value)) return;
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: labels(),
        counts: new Float64Array(this.bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] ?? Infinity)) i++;
    series.counts[i] = (series.counts[i] ?? 0) + 1;
    series.sum += value;
    series.count += 1;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- prom-client awaits get()
  async get(): Promise<SeriesJson> {
    const values: SeriesJson['values'] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i] ?? 0;
        values.push({ labels: withLe(s.labels, le), value: cumulative, metricName: bucket });
      });
      values.push({ labels: withLe(s.labels, '+Inf'), value: s.count, metricName: bucket });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }

  reset(): void {
    this.series = new Map();
  }
}
