/**
 * @module prometheus/definitions
 * The names, types, label lists (in APISIX's order) and buckets of every per-request metric a
 * worker records (observability spec §B.2), plus Tollgate's own AI metrics. The primary process
 * sums the workers' values per series, so each metric also says how its series combine across
 * workers (prom-client's `aggregator`): counters and histograms add up; gauges say what a
 * node-wide value means.
 */
import { Counter, Gauge, Histogram, register, type Registry } from 'prom-client';
import { SeriesCounter, SeriesGauge, SeriesHistogram } from './series';

/** APISIX's `plugin_attr.prometheus.metric_prefix` default. */
export const METRIC_PREFIX = 'apisix_';

/** `default_buckets` and `llm_latency_buckets` (milliseconds). */
export const DEFAULT_BUCKETS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000,
];

/** `llm_prompt_tokens_buckets` / `llm_completion_tokens_buckets`. */
export const TOKEN_BUCKETS: readonly number[] = [
  1, 10, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000,
];

/** Label names in the order APISIX's exporter declares them. */
export const LABELS = {
  httpStatus: [
    'code',
    'route',
    'matched_uri',
    'matched_host',
    'service',
    'consumer',
    'node',
    'request_type',
    'request_llm_model',
    'llm_model',
    'response_source',
  ],
  httpLatency: [
    'type',
    'route',
    'service',
    'consumer',
    'node',
    'request_type',
    'request_llm_model',
    'llm_model',
  ],
  llmLatency: [
    'type',
    'route_id',
    'service_id',
    'consumer',
    'node',
    'request_type',
    'request_llm_model',
    'llm_model',
  ],
  llmTokens: [
    'route_id',
    'service_id',
    'consumer',
    'node',
    'request_type',
    'request_llm_model',
    'llm_model',
  ],
  llmActive: [
    'route',
    'route_id',
    'matched_uri',
    'matched_host',
    'service',
    'service_id',
    'consumer',
    'node',
    'request_type',
    'request_llm_model',
    'llm_model',
  ],
  aiCacheHits: [
    'layer',
    'route',
    'route_id',
    'service',
    'service_id',
    'consumer',
    'node',
    'request_type',
    'request_llm_model',
    'llm_model',
  ],
  aiCache: [
    'route',
    'route_id',
    'service',
    'service_id',
    'consumer',
    'node',
    'request_type',
    'request_llm_model',
    'llm_model',
  ],
  contentDenials: ['route', 'plugin', 'side', 'reason'],
  contentChecks: ['plugin', 'side', 'outcome'],
  fallbacks: ['route', 'from_instance', 'to_instance', 'reason'],
  spills: ['route', 'from_priority', 'to_priority'],
  instanceScore: ['route', 'instance'],
  quotaRejections: ['plugin', 'consumer', 'instance'],
  quotaRemaining: ['plugin', 'instance', 'consumer'],
  quotaTokens: ['plugin', 'consumer', 'instance'],
  instanceHealth: ['owner', 'instance', 'source'],
  breakerState: ['owner', 'instance'],
} as const;

/** Tollgate's node-wide health gauge; the primary adds the `source="active"` series to it. */
export const INSTANCE_HEALTH_METRIC = 'tollgate_ai_instance_health';
export const INSTANCE_HEALTH_HELP =
  'LLM instance health: 1 healthy, 0 unhealthy (active: node probes; passive: unhealthy in any worker)';

/** Bucket settings (APISIX `plugin_attr.prometheus.*_buckets`). */
export interface BucketSettings {
  http?: readonly number[];
  llmLatency?: readonly number[];
  promptTokens?: readonly number[];
  completionTokens?: readonly number[];
}

type L<K extends keyof typeof LABELS> = (typeof LABELS)[K][number];

/** The label values of one series of a metric family in `LABELS`. */
export type LabelsOf<K extends keyof typeof LABELS> = Record<L<K>, string>;

/** Fills a gauge at collection time (it is reset first by the caller if it wants). */
export type GaugeFiller<N extends string> = (gauge: Gauge<N>) => void;

/** Gauges read from live state when scraped rather than set per request. */
export interface GaugeCollectors {
  quotaRemaining?: GaugeFiller<L<'quotaRemaining'>>;
  instanceHealth?: GaugeFiller<L<'instanceHealth'>>;
  breakerState?: GaugeFiller<L<'breakerState'>>;
}

function collectWith<N extends string>(
  filler: GaugeFiller<N> | undefined,
): { collect?: (this: Gauge<N>) => void } {
  if (!filler) return {};
  return {
    collect(this: Gauge<N>) {
      filler(this);
    },
  };
}

/** Every metric a worker records. */
export interface RequestMetrics {
  readonly registry: Registry;
  readonly httpStatus: SeriesCounter<L<'httpStatus'>>;
  readonly httpLatency: SeriesHistogram<L<'httpLatency'>>;
  readonly bandwidth: SeriesCounter<L<'httpLatency'>>;
  readonly llmLatency: SeriesHistogram<L<'llmLatency'>>;
  readonly llmPromptTokens: SeriesCounter<L<'llmTokens'>>;
  readonly llmCompletionTokens: SeriesCounter<L<'llmTokens'>>;
  readonly llmPromptTokensDist: SeriesHistogram<L<'llmTokens'>>;
  readonly llmCompletionTokensDist: SeriesHistogram<L<'llmTokens'>>;
  readonly llmActiveConnections: SeriesGauge<L<'llmActive'>>;
  readonly aiCacheHits: Counter<L<'aiCacheHits'>>;
  readonly aiCacheMisses: Counter<L<'aiCache'>>;
  readonly aiCacheBypasses: Counter<L<'aiCache'>>;
  readonly contentDenials: Counter<L<'contentDenials'>>;
  readonly contentCheckLatency: Histogram<L<'contentChecks'>>;
  readonly fallbacks: Counter<L<'fallbacks'>>;
  readonly spills: Counter<L<'spills'>>;
  readonly instanceScore: Gauge<L<'instanceScore'>>;
  readonly quotaRejections: Counter<L<'quotaRejections'>>;
  readonly quotaReserved: Counter<L<'quotaTokens'>>;
  readonly quotaSettled: Counter<L<'quotaTokens'>>;
  readonly quotaRemaining: Gauge<L<'quotaRemaining'>>;
  readonly instanceHealth: Gauge<L<'instanceHealth'>>;
  readonly breakerState: Gauge<L<'breakerState'>>;
}

/**
 * Create the metrics in `registry` (a worker's default registry in production, a private one in
 * tests). Gauges read at collection time take their `collect` callbacks from the caller.
 *
 * @example
 * const metrics = createRequestMetrics(new Registry());
 * metrics.httpStatus.inc({ code: '200', route: '1', ... });
 */
export function createRequestMetrics(
  registry: Registry,
  buckets: BucketSettings = {},
  collectors: GaugeCollectors = {},
): RequestMetrics {
  const registers = [registry];
  const p = METRIC_PREFIX;
  return {
    registry,
    httpStatus: new SeriesCounter({
      name: `${p}http_status`,
      help: 'HTTP status codes per service in APISIX',
      labelNames: LABELS.httpStatus,
      registers,
    }),
    httpLatency: new SeriesHistogram({
      name: `${p}http_latency`,
      help: 'HTTP request latency in milliseconds per service in APISIX',
      labelNames: LABELS.httpLatency,
      buckets: buckets.http ?? DEFAULT_BUCKETS,
      registers,
    }),
    bandwidth: new SeriesCounter({
      name: `${p}bandwidth`,
      help: 'Total bandwidth in bytes consumed per service in APISIX',
      labelNames: LABELS.httpLatency,
      registers,
    }),
    llmLatency: new SeriesHistogram({
      name: `${p}llm_latency`,
      help: 'LLM request latency in milliseconds',
      labelNames: LABELS.llmLatency,
      buckets: buckets.llmLatency ?? DEFAULT_BUCKETS,
      registers,
    }),
    llmPromptTokens: new SeriesCounter({
      name: `${p}llm_prompt_tokens`,
      help: 'LLM service consumed prompt tokens',
      labelNames: LABELS.llmTokens,
      registers,
    }),
    llmCompletionTokens: new SeriesCounter({
      name: `${p}llm_completion_tokens`,
      help: 'LLM service consumed completion tokens',
      labelNames: LABELS.llmTokens,
      registers,
    }),
    llmPromptTokensDist: new SeriesHistogram({
      name: `${p}llm_prompt_tokens_dist`,
      help: 'Distribution of LLM prompt tokens per request',
      labelNames: LABELS.llmTokens,
      buckets: buckets.promptTokens ?? TOKEN_BUCKETS,
      registers,
    }),
    llmCompletionTokensDist: new SeriesHistogram({
      name: `${p}llm_completion_tokens_dist`,
      help: 'Distribution of LLM completion tokens per request',
      labelNames: LABELS.llmTokens,
      buckets: buckets.completionTokens ?? TOKEN_BUCKETS,
      registers,
    }),
    llmActiveConnections: new SeriesGauge({
      name: `${p}llm_active_connections`,
      help: 'Number of active connections to LLM service',
      labelNames: LABELS.llmActive,
      registers,
    }),
    aiCacheHits: new Counter({
      name: `${p}ai_cache_hits_total`,
      help: 'AI cache hits',
      labelNames: LABELS.aiCacheHits,
      registers,
    }),
    aiCacheMisses: new Counter({
      name: `${p}ai_cache_misses_total`,
      help: 'AI cache misses',
      labelNames: LABELS.aiCache,
      registers,
    }),
    aiCacheBypasses: new Counter({
      name: `${p}ai_cache_bypasses_total`,
      help: 'AI cache bypasses',
      labelNames: LABELS.aiCache,
      registers,
    }),
    contentDenials: new Counter({
      name: 'tollgate_ai_content_denials_total',
      help: 'AI requests or answers refused by a content plugin (guard, moderation, runaway guard), by reason',
      labelNames: LABELS.contentDenials,
      registers,
    }),
    contentCheckLatency: new Histogram({
      name: 'tollgate_ai_content_check_latency',
      help: 'Latency in milliseconds of the checks of AI content plugins (moderation service calls), by outcome',
      labelNames: LABELS.contentChecks,
      buckets: [...DEFAULT_BUCKETS],
      registers,
    }),
    fallbacks: new Counter({
      name: 'tollgate_ai_fallbacks_total',
      help: 'Requests moved from one LLM instance to the next, by reason',
      labelNames: LABELS.fallbacks,
      registers,
    }),
    spills: new Counter({
      name: 'tollgate_ai_spills_total',
      help: 'AI requests sent to a lower priority group because every instance of a higher one was saturated or unavailable',
      labelNames: LABELS.spills,
      registers,
    }),
    instanceScore: new Gauge({
      name: 'tollgate_ai_instance_score',
      help: "Score of an LLM instance at its route's latest queue_aware pick (0..1, higher is preferred; averaged over workers)",
      labelNames: LABELS.instanceScore,
      aggregator: 'average',
      registers,
    }),
    quotaRejections: new Counter({
      name: 'tollgate_ai_quota_rejections_total',
      help: 'Requests refused by a token quota',
      labelNames: LABELS.quotaRejections,
      registers,
    }),
    quotaReserved: new Counter({
      name: 'tollgate_ai_quota_reserved_tokens_total',
      help: 'Tokens reserved at admission by token quotas with reserve_tokens (the estimates)',
      labelNames: LABELS.quotaTokens,
      registers,
    }),
    quotaSettled: new Counter({
      name: 'tollgate_ai_quota_settled_tokens_total',
      help: 'Tokens charged to token quotas when the usage was known',
      labelNames: LABELS.quotaTokens,
      registers,
    }),
    quotaRemaining: new Gauge({
      name: 'tollgate_ai_quota_remaining',
      help: 'Tokens left in a quota window, as last reported to a client (lowest across workers)',
      labelNames: LABELS.quotaRemaining,
      aggregator: 'min',
      registers,
      ...collectWith(collectors.quotaRemaining),
    }),
    instanceHealth: new Gauge({
      name: INSTANCE_HEALTH_METRIC,
      help: INSTANCE_HEALTH_HELP,
      labelNames: LABELS.instanceHealth,
      aggregator: 'min',
      registers,
      ...collectWith(collectors.instanceHealth),
    }),
    breakerState: new Gauge({
      name: 'tollgate_ai_instance_breaker_state',
      help: 'Passive circuit breaker of an LLM instance: 0 closed, 1 half-open, 2 open (worst worker)',
      labelNames: LABELS.breakerState,
      aggregator: 'max',
      registers,
      ...collectWith(collectors.breakerState),
    }),
  };
}

let shared: RequestMetrics | undefined;
let sharedCollectors: GaugeCollectors = {};

/** Collection-time callbacks of the process-wide metrics (set once by the plugin module). */
export function setSharedCollectors(collectors: GaugeCollectors): void {
  sharedCollectors = collectors;
}

/**
 * The process's metrics in prom-client's default registry, created on first use: only worker
 * processes record requests, so the primary's default registry stays empty.
 */
export function requestMetrics(): RequestMetrics {
  // The fillers are looked up at collection time, so module load order does not matter.
  shared ??= createRequestMetrics(
    register,
    {},
    {
      quotaRemaining: (gauge) => sharedCollectors.quotaRemaining?.(gauge),
      instanceHealth: (gauge) => sharedCollectors.instanceHealth?.(gauge),
      breakerState: (gauge) => sharedCollectors.breakerState?.(gauge),
    },
  );
  return shared;
}
