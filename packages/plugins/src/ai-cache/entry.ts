/**
 * @module ai-cache/entry
 * The stored value of an exact entry, APISIX's envelope: `{"body": <the response as the client
 * got it>, "created_at": <epoch seconds>, "format": "json" | "sse"}`. `json` replays as one
 * `application/json` body, `sse` as one `text/event-stream` body holding the whole stream with
 * its terminator.
 */
import { isUtf8 } from 'node:buffer';

export type EntryFormat = 'json' | 'sse';

export interface CacheEntry {
  body: string;
  /** Epoch seconds the entry was written. */
  createdAt: number;
  format: EntryFormat;
}

/** The Content-Type a replayed entry is served with. */
export function contentTypeOf(format: EntryFormat): string {
  return format === 'sse' ? 'text/event-stream' : 'application/json';
}

/** The value to store, or undefined for bytes that are not text (they could not round-trip). */
export function encodeEntry(
  body: Buffer,
  format: EntryFormat,
  nowSeconds: number,
): string | undefined {
  if (!isUtf8(body)) return undefined;
  return JSON.stringify({ body: body.toString('utf8'), created_at: nowSeconds, format });
}

/** The entry in `raw`, or undefined when it is not one (the caller discards it as a MISS). */
export function decodeEntry(raw: Buffer): CacheEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { body, created_at: createdAt, format } = value as Record<string, unknown>;
  if (typeof body !== 'string' || body === '') return undefined;
  return {
    body,
    createdAt: typeof createdAt === 'number' && Number.isFinite(createdAt) ? createdAt : 0,
    format: format === 'sse' ? 'sse' : 'json',
  };
}

/** Seconds since the entry was written, never negative (clocks of two nodes may differ). */
export function entryAge(entry: CacheEntry, nowSeconds: number): number {
  return Math.max(0, Math.floor(nowSeconds - (entry.createdAt || nowSeconds)));
}

const SSE_START = /^\s*(?:data:|event:|:|id:|retry:)/;

/**
 * True when a body that did not arrive as a stream still looks like SSE (a stream mislabelled
 * by the upstream): APISIX refuses to store those as JSON, and so does Tollgate.
 */
export function looksLikeSse(body: Buffer): boolean {
  return SSE_START.test(body.subarray(0, 64).toString('latin1'));
}
