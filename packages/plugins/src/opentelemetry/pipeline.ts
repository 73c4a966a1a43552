/**
 * @module opentelemetry/pipeline
 * One tracer pipeline per distinct settings, per worker: a BasicTracerProvider whose resource
 * comes from the settings, a BatchSpanProcessor, and the OTLP/HTTP protobuf exporter. The
 * sampler and the trace ID of a new trace are chosen per span by the caller (`startSpan`): a
 * route's sampler is its own, and `trace_id_source: x-request-id` takes the request's ID.
 * Nothing is built until a request needs it.
 */
import os from 'node:os';
import {
  ROOT_CONTEXT,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type TimeInput,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  RandomIdGenerator,
  type IdGenerator,
  type Sampler,
  type SamplingResult,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { OtelSettings } from './settings';

/** What the next `startSpan` of this worker uses (spans start synchronously, one at a time). */
interface Pending {
  sampler: Sampler;
  traceId: string | undefined;
}
const ALWAYS_ON = new AlwaysOnSampler();
const pending: Pending = { sampler: ALWAYS_ON, traceId: undefined };

/** Delegates to the sampler of the span being started. */
class PerSpanSampler implements Sampler {
  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    return pending.sampler.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return 'PerSpanSampler';
  }
}

/** Random IDs, except a new trace's ID when the caller chose one. */
class RequestIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    return pending.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

export interface Pipeline {
  readonly settings: OtelSettings;
  /** Start a span with `sampler` (and, for a new trace, `traceId`) under `parent`. */
  startSpan(
    name: string,
    options: { kind: SpanKind; attributes?: Attributes; startTime?: TimeInput },
    parent: Context,
    sampler: Sampler,
    traceId?: string,
  ): Span;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Build a pipeline; `exporter` replaces the OTLP exporter (tests). */
export function createPipeline(settings: OtelSettings, exporter?: SpanExporter): Pipeline {
  const resource = defaultResource().merge(
    resourceFromAttributes({ hostname: os.hostname(), ...settings.resource }),
  );
  const processor = new BatchSpanProcessor(
    exporter ??
      new OTLPTraceExporter({
        url: settings.collectorUrl,
        headers: { ...settings.requestHeaders },
        timeoutMillis: settings.requestTimeoutMs,
      }),
    {
      maxQueueSize: settings.maxQueueSize,
      maxExportBatchSize: Math.min(settings.maxExportBatchSize, settings.maxQueueSize),
      scheduledDelayMillis: settings.scheduledDelayMs,
      exportTimeoutMillis: settings.requestTimeoutMs,
    },
  );
  const provider = new BasicTracerProvider({
    resource,
    sampler: new PerSpanSampler(),
    idGenerator: new RequestIdGenerator(),
    spanProcessors: [processor],
  });
  const tracer: Tracer = provider.getTracer('opentelemetry-lua');
  return {
    settings,
    startSpan(name, options, parent = ROOT_CONTEXT, sampler, traceId) {
      pending.sampler = sampler;
      pending.traceId = traceId;
      try {
        return tracer.startSpan(name, options, parent);
      } finally {
        pending.sampler = ALWAYS_ON;
        pending.traceId = undefined;
      }
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Pipelines by settings key; settings change rarely (metadata updates), so a few suffice. */
const MAX_PIPELINES = 8;
const pipelines = new Map<string, Pipeline>();

/** The worker's pipeline for `settings`, built on first use. */
export function pipelineFor(settings: OtelSettings): Pipeline {
  let pipeline = pipelines.get(settings.key);
  if (pipeline) return pipeline;
  pipeline = createPipeline(settings);
  pipelines.set(settings.key, pipeline);
  if (pipelines.size > MAX_PIPELINES) {
    const [oldestKey, oldest] = pipelines.entries().next().value as [string, Pipeline];
    pipelines.delete(oldestKey);
    void oldest.shutdown().catch(() => undefined);
  }
  return pipeline;
}

/** Export what is queued and stop every pipeline (worker shutdown). */
export async function shutdownPipelines(): Promise<void> {
  const all = [...pipelines.values()];
  pipelines.clear();
  await Promise.allSettled(all.map((p) => p.shutdown()));
}
