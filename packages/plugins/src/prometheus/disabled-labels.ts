/**
 * @module prometheus/disabled-labels
 * `plugin_metadata/prometheus` `disabled_labels` (observability spec §B.1): per metric, labels
 * whose value becomes `""` — the label keeps its place, its series merge. Read from the request's
 * metadata snapshot, parsed once per stored value. Structural labels (`code`, `type`) cannot be
 * disabled; the metadata schema refuses them.
 */
import { setOwn, type RequestContext } from '@tollgate/core';

/** Disabled label names by APISIX metric name (without the prefix), e.g. `http_status`. */
export type DisabledLabels = ReadonlyMap<string, ReadonlySet<string>>;

const PARSED = new WeakMap<object, DisabledLabels | undefined>();

function parse(metadata: object): DisabledLabels | undefined {
  const field = (metadata as { disabled_labels?: unknown }).disabled_labels;
  if (typeof field !== 'object' || field === null) return undefined;
  const out = new Map<string, ReadonlySet<string>>();
  for (const [metric, labels] of Object.entries(field)) {
    if (Array.isArray(labels) && labels.length > 0) out.set(metric, new Set(labels.map(String)));
  }
  return out.size > 0 ? out : undefined;
}

/** The request's disabled labels, or undefined when none are configured (the common case). */
export function disabledLabels(ctx: RequestContext): DisabledLabels | undefined {
  const metadata = ctx.pluginMetadata.get('prometheus');
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  if (!PARSED.has(metadata)) PARSED.set(metadata, parse(metadata));
  return PARSED.get(metadata);
}

/** `labels` with the disabled ones of `metric` set to `""` (a copy), or `labels` itself. */
export function withoutDisabled<L extends Record<string, string>>(
  disabled: DisabledLabels | undefined,
  metric: string,
  labels: L,
): L {
  const off = disabled?.get(metric);
  if (!off) return labels;
  const out = { ...labels };
  for (const name of off) if (Object.hasOwn(out, name)) setOwn(out, name, '');
  return out;
}

/**
 * The series key and labels of one observation of `metric`: `key`/`labels` as given when nothing
 * of `metric` is disabled, else a key built from the blanked label values, so series that differ
 * only in disabled labels become one.
 */
export function seriesOf<L extends Record<string, string>>(
  disabled: DisabledLabels | undefined,
  metric: string,
  key: string,
  labels: () => L,
): [string, () => L] {
  if (!disabled?.has(metric)) return [key, labels];
  const blanked = withoutDisabled(disabled, metric, labels());
  // `~` never starts an interned identity key (those are `<n>|…`).
  return [`~${JSON.stringify(Object.values(blanked))}`, () => blanked];
}
