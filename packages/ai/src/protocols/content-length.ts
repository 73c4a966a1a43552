/**
 * @module protocols/content-length
 * The length of the text an OpenAI chat stream chunk adds, read off its JSON text without
 * parsing it (issue 14). Most chunks of a stream carry a few characters of text and nothing
 * else; when no hook reads the text and payloads are not logged, the relay needs only its length
 * (for the usage estimate of a stream that never reports usage, decision D5), and a full
 * `JSON.parse` of each chunk was the largest per-event cost of relaying a stream.
 */

/** A chunk that may carry more than text: usage, an error object or tool calls. */
const MAY_CARRY_MORE = /"(?:usage|error)"\s*:\s*\{|"tool_calls"\s*:\s*\[/;

const CONTENT_KEY = '"content"';

/**
 * The summed length (UTF-16 code units, as `String.length`) of every `"content": "..."` string
 * member in `data`, or undefined when the chunk may carry usage, an error or tool calls and must
 * be parsed. In OpenAI's chunks the only such members are `choices[].delta.content`, so this
 * equals the length of the text `JSON.parse` would give; text that is not JSON yields what it
 * yields (the figure only feeds an estimate). `"reasoning_content"` and a string value
 * `"content"` do not count: the key must start with its quote and be followed by `:`.
 *
 * @example
 * chunkContentLength('{"choices":[{"delta":{"content":"a\\"b"}}]}'); // 3
 */
export function chunkContentLength(data: string): number | undefined {
  if (MAY_CARRY_MORE.test(data)) return undefined;
  let total = 0;
  for (let at = data.indexOf(CONTENT_KEY); at !== -1; at = data.indexOf(CONTENT_KEY, at)) {
    let i = skipSpace(data, at + CONTENT_KEY.length);
    at = i;
    if (data.charCodeAt(i) !== 0x3a /* : */) continue;
    i = skipSpace(data, i + 1);
    if (data.charCodeAt(i) !== 0x22 /* " */) continue;
    const end = stringEnd(data, i + 1);
    total += decodedLength(data, i + 1, end);
    at = end + 1;
  }
  return total;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/**
 * The offset of the quote that ends a JSON string whose content starts at `from` (the text's
 * length when it never ends): a quote is escaped when an odd run of backslashes precedes it.
 */
function stringEnd(text: string, from: number): number {
  for (let at = from; ;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (quote - backslashes - 1 >= from && text.charCodeAt(quote - backslashes - 1) === 0x5c) {
      backslashes++;
    }
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

/** The length of the JSON string content `text[from, end)` once its escapes are decoded. */
function decodedLength(text: string, from: number, end: number): number {
  let length = end - from;
  for (let at = text.indexOf('\\', from); at !== -1 && at < end; at = text.indexOf('\\', at)) {
    // `\uXXXX` is one code unit (a surrogate pair is two escapes), any other escape one character.
    const extra = text.charCodeAt(at + 1) === 0x75 /* u */ ? 5 : 1;
    length -= extra;
    at += extra + 1;
  }
  return length;
}
