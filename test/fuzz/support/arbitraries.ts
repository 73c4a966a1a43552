/**
 * @module arbitraries
 * Generators shared by the fuzz tier: hostile strings and path segments, JSON bodies (random,
 * deep, mutated from valid ones) and raw byte bodies that are not valid UTF-8 or carry lone
 * surrogates. Everything is a fast-check arbitrary, so a failing input shrinks and replays from
 * its seed.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Names that reach `Object.prototype` or shadow its methods when used as a key. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
] as const;

/** Percent-encodings that decode to nothing valid, or to something a key must not contain. */
const BAD_PERCENT = [
  '%',
  '%z',
  '%zz',
  '%ff',
  '%c3%28',
  '%ed%a0%80',
  '%f0%9f%98',
  '%e0%80%af',
  '%00',
  '%2f',
  '%5c',
  '%2e%2e',
  '%252e',
  '%0a',
  '%20',
] as const;

/** Every byte percent-encoded, so any byte sequence (invalid UTF-8 too) can go into a path. */
function percentEncodeBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** One path segment as written on the wire (already percent-encoded where needed). */
export function segmentArb(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_PERCENT) },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '...', '*', '%2e%2e%2f', '~', '$') },
    {
      weight: 2,
      arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent),
    },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 6 }).map(percentEncodeBytes) },
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }).map((n) => 'a'.repeat(n)) },
  );
}

/** `key=value&…` (without the `?`), values hostile to number and boolean parsing. */
export function queryArb(keys: readonly string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.constantFrom(
      '-1',
      '0',
      '1',
      '1.5',
      '1e309',
      '-0',
      'NaN',
      'Infinity',
      '',
      'true',
      'false',
      '100000000',
      '9007199254740993',
      '0x10',
      '%201',
    ),
    fc.constantFrom(...BAD_PERCENT),
    fc.string({ maxLength: 8 }).map(encodeURIComponent),
  );
  const pair = fc.tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...keys) },
      { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
    ),
    fc.option(value, { nil: undefined }),
  );
  return fc
    .array(pair, { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&'));
}

/** Strings built to trip text handling: lone surrogates, controls, prototype names, long. */
export const nastyStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('\ud800', '\udfff', 'a\ud83d', '\u0000', '\u2028', '\ufeff', '', ' ', '..'),
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** Any JSON value, with strings from the whole code-unit range (lone surrogates included). */
export const jsonValueArb: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
  fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<Json>,
  nastyStringArb,
  fc.constantFrom<Json>(-1, 0, 1.5, 1e308, -0, 2 ** 53 + 2, [], {}, null, true),
);

/** Nested arrays/objects `depth` levels deep, as JSON text (built iteratively, never recursed). */
export function deepJsonText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export const deepJsonArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 64, max: 2000 }), fc.integer({ min: 10_000, max: 100_000 })),
    fc.constantFrom<'array' | 'object'>('array', 'object'),
  )
  .map(([depth, kind]) => deepJsonText(depth, kind));

/**
 * A valid body with a deeply nested value added to one of its objects: past a nesting limit of
 * 1000, and deep enough for recursive code (copies, validators) to run out of stack.
 */
function withDeepValue(valid: Json): fc.Arbitrary<Buffer> {
  const text = JSON.stringify(valid);
  const opens = [...text.matchAll(/\{/g)].map((m) => m.index + 1);
  if (opens.length === 0) return fc.constant(Buffer.from(text));
  return fc
    .tuple(
      fc.constantFrom(...opens),
      fc.integer({ min: 500, max: 8000 }),
      fc.constantFrom<'array' | 'object'>('array', 'object'),
    )
    .map(([at, depth, kind]) => {
      const comma = text[at] === '}' ? '' : ',';
      const deep = `"deep":${deepJsonText(depth, kind)}${comma}`;
      return Buffer.from(`${text.slice(0, at)}${deep}${text.slice(at)}`);
    });
}

/** Byte sequences that are not UTF-8: stray continuation bytes, overlongs, CESU surrogates. */
const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xfe, 0xfe],
  [0x80],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
];

/** `text` with invalid UTF-8 bytes spliced in at a generated position (inside a string, often). */
export function withInvalidUtf8(text: string): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.nat({ max: Math.max(0, text.length) }), fc.constantFrom(...INVALID_UTF8))
    .map(([at, bytes]) => {
      // Prefer a position just inside a string value, where a lenient decoder would keep the bytes.
      const quote = text.indexOf('"', at);
      const cut = quote === -1 ? at : quote + 1;
      return Buffer.concat([
        Buffer.from(text.slice(0, cut)),
        Buffer.from(bytes),
        Buffer.from(text.slice(cut)),
      ]);
    });
}

/**
 * A valid body whose n-th string value starts with a lone surrogate, written as a JSON escape
 * (`"\ud800…"`), which JSON.parse accepts.
 */
function withLoneSurrogate(valid: Json): fc.Arbitrary<Buffer> {
  const text = JSON.stringify(valid);
  const starts = [...text.matchAll(/:"/g)].map((m) => m.index + 2);
  if (starts.length === 0) return fc.constant(Buffer.from(text));
  return fc
    .constantFrom(...starts)
    .map((at) => Buffer.from(`${text.slice(0, at)}\\ud800${text.slice(at)}`));
}

/** Every `[path, value]` of a JSON tree, the root included as the empty path. */
function paths(value: Json, prefix: string[] = [], out: string[][] = []): string[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, String(i)], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

/** A deep copy of `value` with the node at `path` replaced (or a key added or dropped there). */
function replaceAt(
  value: Json,
  path: string[],
  replacement: Json | undefined,
  addKey?: string,
): Json {
  const [head, ...rest] = path;
  if (head === undefined) {
    if (
      addKey !== undefined &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      // defineProperty, so a key named `__proto__` becomes an own property that JSON.stringify writes.
      const copy: Record<string, Json> = { ...value };
      Object.defineProperty(copy, addKey, {
        value: replacement ?? null,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return copy;
    }
    return replacement ?? null;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => (String(i) === head ? replaceAt(v, rest, replacement, addKey) : v));
  }
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== head) copy[k] = v;
    else if (rest.length > 0 || replacement !== undefined || addKey !== undefined) {
      copy[k] = replaceAt(v, rest, replacement, addKey);
    }
  }
  return copy;
}

/**
 * A valid body with one node replaced by a random value, removed, or given an extra key (often
 * one of PROTOTYPE_KEYS): the inputs that get furthest into validation before they go wrong.
 */
export function mutatedArb(valid: Json): fc.Arbitrary<Json> {
  const all = paths(valid);
  const inner = all.filter((p) => p.length > 0);
  const replaced = fc
    .tuple(fc.constantFrom(...all), jsonValueArb)
    .map(([path, replacement]) => replaceAt(valid, path, replacement));
  const added = fc
    .tuple(
      fc.constantFrom(...all),
      fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 8 })),
      jsonValueArb,
    )
    .map(([path, key, extra]) => replaceAt(valid, path, extra, key));
  if (inner.length === 0) return fc.oneof(replaced, added);
  const dropped = fc.constantFrom(...inner).map((path) => replaceAt(valid, path, undefined));
  return fc.oneof(replaced, dropped, added);
}

/** A body as bytes: absent, or one of the hostile shapes, or (weighted) `valid`'s family. */
export function bodyArb(valid: readonly Json[]): fc.Arbitrary<Buffer | undefined> {
  const family = fc.constantFrom(...valid);
  const text = (arb: fc.Arbitrary<Json>) => arb.map((v) => Buffer.from(JSON.stringify(v)));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: text(family) },
    { weight: 5, arbitrary: text(family.chain(mutatedArb)) },
    { weight: 2, arbitrary: text(jsonValueArb) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: deepJsonArb.map((t) => Buffer.from(t)) },
    { weight: 2, arbitrary: family.chain(withDeepValue) },
    {
      weight: 2,
      arbitrary: family.chain((v) => withInvalidUtf8(JSON.stringify(v))),
    },
    { weight: 2, arbitrary: family.chain(withLoneSurrogate) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('{', '}', '[1,', '"', 'nul', '{"a":1}{'),
        )
        .map((t) => Buffer.from(t)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  );
}

/** Header names a client may send that undici itself forbids or that change the framing. */
const FRAMING_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);

/** Extra `[name, value]` headers: random tokens and values, duplicates allowed. */
export function extraHeadersArb(
  names: readonly string[],
  exclude: (name: string) => boolean = () => false,
): fc.Arbitrary<[string, string][]> {
  const name = fc
    .oneof(fc.constantFrom(...names), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/))
    .filter((n) => !FRAMING_HEADERS.has(n) && !exclude(n));
  const value = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .string({ unit: 'grapheme-ascii', maxLength: 40 })
        .map((v) => v.replace(/[\r\n\0]/g, ' ')),
    },
    {
      weight: 4,
      arbitrary: fc.constantFrom('', ' ', '\u00ff\u00fe', '%zz', 'Bearer ', 'text/plain'),
    },
    // Past the 16 KiB header limit once a few of these add up.
    { weight: 1, arbitrary: fc.integer({ min: 2000, max: 12_000 }).map((n) => 'v'.repeat(n)) },
  );
  return fc.array(fc.tuple(name, value), { maxLength: 4 });
}
