/**
 * @module json-depth
 * How deeply JSON text nests, measured on the raw bytes without parsing or recursion.
 *
 * `JSON.parse` itself copes with any depth, but the code that walks a parsed request body
 * recursively (deep copies, merges, canonical encoding, protocol converters, a JSON.parse
 * reviver) runs out of stack somewhere past a few thousand levels. Refusing deeper input before
 * parsing keeps every such walk safe. The limit is APISIX's: lua-cjson decodes at most 1000
 * nested arrays/objects (`decode_max_depth`) and answers a body nested deeper with a parse error.
 */

/** Arrays/objects a request body may nest (lua-cjson's `decode_max_depth` default). */
export const MAX_JSON_DEPTH = 1000;

/** Where JSON text first nests deeper than allowed. */
export interface NestingOverflow {
  /** The depth reached (the limit + 1). */
  depth: number;
  /** 0-based byte offset of the `[` or `{` that went past the limit. */
  offset: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * The first `[`/`{` in `text` (UTF-8 bytes) that opens level `maxDepth + 1`, or undefined when the
 * text nests no deeper than `maxDepth`. Brackets inside strings do not count. Text that is not
 * JSON is measured as far as it goes; `JSON.parse` reports what is wrong with it.
 *
 * @example
 * findNestingOverflow(Buffer.from('[[[]]]'), 2); // { depth: 3, offset: 2 }
 */
export function findNestingOverflow(
  text: Uint8Array,
  maxDepth = MAX_JSON_DEPTH,
): NestingOverflow | undefined {
  // Going past maxDepth takes maxDepth + 1 opening brackets: shorter text cannot.
  if (text.length <= maxDepth) return undefined;
  let depth = 0;
  // Quotes, backslashes and brackets are ASCII, so they never occur inside a multi-byte UTF-8
  // sequence and a byte scan is exact.
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (byte === QUOTE) {
      i = closingQuote(text, i + 1);
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      depth++;
      if (depth > maxDepth) return { depth, offset: i };
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return undefined;
}

/**
 * The offset of the quote that ends a string whose content starts at `from` (the text's length
 * when it never ends). Strings are most of a prompt's bytes: they are crossed with `indexOf`
 * (memchr) rather than byte by byte. A quote is escaped when an odd run of backslashes precedes
 * it: after `\"` and `\\\"` the string goes on, after `\\"` it ends.
 */
function closingQuote(text: Uint8Array, from: number): number {
  for (let at = from; ;) {
    const quote = text.indexOf(QUOTE, at);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (quote - backslashes - 1 >= from && text[quote - backslashes - 1] === BACKSLASH) {
      backslashes++;
    }
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}
