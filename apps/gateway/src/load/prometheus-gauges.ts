/**
 * @module load/prometheus-gauges
 * Reads the few gauges the load-aware balancer needs from a Prometheus text exposition (vLLM,
 * SGLang): each wanted metric's samples summed over their label sets (one engine may serve several
 * models). A bounded single pass over lines: comments and unwanted metrics are skipped by name,
 * label values may hold any escaped text, and values that are not finite numbers are ignored.
 */
import type { ScrapedLoad } from '@tollgate/core';

/** Engine metric names for each reading, in order of preference (inference-scheduling.md §C.8). */
const WAITING = ['vllm:num_requests_waiting', 'sglang:num_queue_reqs'];
const RUNNING = ['vllm:num_requests_running', 'sglang:num_running_reqs'];
const KV_CACHE = ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc', 'sglang:token_usage'];
const WANTED: ReadonlySet<string> = new Set([...WAITING, ...RUNNING, ...KV_CACHE]);

/** Each wanted metric's samples summed over label sets. */
export function sumGauges(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const sample = parseSample(text, start, end);
    if (sample) sums.set(sample.name, (sums.get(sample.name) ?? 0) + sample.value);
    start = end + 1;
  }
  return sums;
}

/** The load reading in `text`, or undefined when it has no queue gauges at all. */
export function loadFromExposition(text: string, at: number): ScrapedLoad | undefined {
  const sums = sumGauges(text);
  const first = (names: readonly string[]) =>
    names.map((n) => sums.get(n)).find((v) => v !== undefined);
  const waiting = first(WAITING);
  const running = first(RUNNING);
  if (waiting === undefined && running === undefined) return undefined;
  const kvCacheUsage = first(KV_CACHE);
  return {
    waiting: waiting ?? 0,
    running: running ?? 0,
    ...(kvCacheUsage !== undefined ? { kvCacheUsage } : {}),
    at,
  };
}

/** `name{labels} value [timestamp]` on text[start, end), when `name` is wanted. */
function parseSample(
  text: string,
  start: number,
  end: number,
): { name: string; value: number } | undefined {
  let i = start;
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  if (i >= end || text[i] === '#') return undefined;
  const nameStart = i;
  while (i < end && text[i] !== '{' && text[i] !== ' ' && text[i] !== '\t') i++;
  const name = text.slice(nameStart, i);
  if (!WANTED.has(name)) return undefined;
  if (text[i] === '{') {
    i = skipLabels(text, i + 1, end);
    if (i < 0) return undefined;
  }
  const rest = text
    .slice(i, end)
    .trim()
    .split(/[ \t]+/);
  const value = Number(rest[0]);
  return rest[0] !== '' && Number.isFinite(value) ? { name, value } : undefined;
}

/** Index after the closing `}` of a label set starting at `i`, or -1 when it never closes. */
function skipLabels(text: string, i: number, end: number): number {
  let quoted = false;
  for (; i < end; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '}') return i + 1;
  }
  return -1;
}
