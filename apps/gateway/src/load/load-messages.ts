/**
 * @module load/load-messages
 * The IPC messages that share LLM instance load across a node (issue 12): workers report their
 * in-flight and sent counts to the primary when they change; the primary answers each worker with
 * the sums of the *other* workers (so a worker adds its own exact counts without double counting)
 * and broadcasts its scrapes of the instances' metrics endpoints. Counts travel as `[key, n]`
 * pairs, never as object keys, so a key can never reach a prototype.
 */
import type { ScrapedLoad } from '@tollgate/core';

/** Longest load key or metrics URL a message may carry. */
export const MAX_LOAD_KEY_LENGTH = 2048;
/** Most keys one message may carry. */
export const MAX_LOAD_KEYS = 4096;

export type CountPairs = [key: string, count: number][];

/** Worker → primary: this worker's non-zero in-flight counts, and its changed cumulative sends. */
export interface LoadReport {
  t: 'load-report';
  inFlight: CountPairs;
  sent: CountPairs;
}

/** Primary → one worker: what every other worker of the node reported, summed. */
export interface LoadOthers {
  t: 'load-others';
  inFlight: CountPairs;
  /** Cumulative sends of the other workers (live and exited), by key. */
  sent: CountPairs;
}

/** Primary → workers: one scrape round; `gone` URLs are no longer scraped. */
export interface LoadScrapes {
  t: 'load-scrapes';
  readings: [url: string, load: ScrapedLoad][];
  gone: string[];
}

const isKey = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_LOAD_KEY_LENGTH;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isBoundedArray = (v: unknown): v is unknown[] =>
  Array.isArray(v) && v.length <= MAX_LOAD_KEYS;

function isCountPairs(v: unknown): v is CountPairs {
  return (
    isBoundedArray(v) &&
    v.every((p) => Array.isArray(p) && p.length === 2 && isKey(p[0]) && isCount(p[1]))
  );
}

function isScrapedLoad(v: unknown): v is ScrapedLoad {
  if (typeof v !== 'object' || v === null) return false;
  const load = v as Record<string, unknown>;
  return (
    isCount(load.waiting) &&
    isCount(load.running) &&
    isCount(load.at) &&
    (load.kvCacheUsage === undefined || isCount(load.kvCacheUsage))
  );
}

export function isLoadReport(msg: unknown): msg is LoadReport {
  const m = msg as Partial<LoadReport> | null;
  return m?.t === 'load-report' && isCountPairs(m.inFlight) && isCountPairs(m.sent);
}

export function isLoadOthers(msg: unknown): msg is LoadOthers {
  const m = msg as Partial<LoadOthers> | null;
  return m?.t === 'load-others' && isCountPairs(m.inFlight) && isCountPairs(m.sent);
}

export function isLoadScrapes(msg: unknown): msg is LoadScrapes {
  const m = msg as Partial<LoadScrapes> | null;
  return (
    m?.t === 'load-scrapes' &&
    isBoundedArray(m.readings) &&
    m.readings.every(
      (r) => Array.isArray(r) && r.length === 2 && isKey(r[0]) && isScrapedLoad(r[1]),
    ) &&
    isBoundedArray(m.gone) &&
    m.gone.every(isKey)
  );
}
