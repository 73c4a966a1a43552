/**
 * @module opentelemetry/sampler
 * A route's `sampler` as an SDK sampler, built once per config object: `always_on`, `always_off`,
 * `trace_id_ratio` (`options.fraction`) and `parent_base` (an incoming `traceparent`'s sampled
 * flag decides; without one, `options.root`).
 */
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { OpentelemetryConf } from '@tollgate/schema';

type RootName = 'always_on' | 'always_off' | 'trace_id_ratio';

function simple(name: RootName, fraction: number | undefined): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'trace_id_ratio':
      return new TraceIdRatioBasedSampler(fraction ?? 0);
  }
}

const cache = new WeakMap<object, Sampler>();

/** The sampler of `conf.sampler` (defaults filled by the schema). */
export function samplerFor(conf: OpentelemetryConf): Sampler {
  const key = conf.sampler as object | undefined;
  const cached = key && cache.get(key);
  if (cached) return cached;
  const name = conf.sampler?.name ?? 'always_off';
  const options = conf.sampler?.options;
  let sampler: Sampler;
  if (name === 'parent_base') {
    const root = options?.root;
    sampler = new ParentBasedSampler({
      root: root ? simple(root.name, root.options?.fraction) : new AlwaysOffSampler(),
    });
  } else {
    sampler = simple(name, options?.fraction);
  }
  if (key) cache.set(key, sampler);
  return sampler;
}
