/**
 * @module ai-runaway-guard/repetition
 * Detects a looping generation in streamed text: the same n-gram of word-ish tokens occurring
 * more than `maxRepeats` times among the last `windowTokens` n-grams.
 *
 * Cost per character is one table lookup and one multiply; per token, a rolling hash update,
 * one ring-buffer slot and two Map operations (the n-gram leaving the window and the one
 * entering it), so the work per token is O(1) whatever the window, and nothing is re-scanned
 * when a chunk arrives. Memory is fixed per stream: two typed arrays (`ngramTokens` and
 * `windowTokens` slots) and a Map of at most `windowTokens` counts.
 *
 * Tokens are "word-ish", not the model's tokens (which the gateway cannot see):
 * - a run of letters and digits (any script with spaces between words), ASCII case folded;
 * - a run of punctuation and symbols (`---`, `|---|`, `");` is one token, so a ruler line or a
 *   table separator is not a loop of 80 dashes);
 * - each CJK ideograph or kana on its own (those scripts put no spaces between words);
 * - whitespace only separates, so a loop of blank lines is left to `max_output_tokens`.
 * A token split across two chunks is joined: it is counted when the next separator arrives, or
 * at `end()`.
 *
 * N-grams are compared by a 32-bit hash (a polynomial over the tokens' FNV-1a hashes). A
 * collision adds one to another n-gram's count; tripping needs `maxRepeats` of them in one
 * window, which 32 bits make negligible.
 */

/** The limits of one detector (the config's `repetition` block, resolved). */
export interface RepetitionLimits {
  /** Tokens per n-gram. */
  ngramTokens: number;
  /** How many of the latest n-grams are counted. */
  windowTokens: number;
  /** Occurrences of one n-gram the window may hold; one more trips the detector. */
  maxRepeats: number;
}

const SPACE = 0;
const WORD = 1;
const PUNCT = 2;
/** A character that is a token by itself (CJK ideographs, kana). */
const SINGLE = 3;

/** Classes of the ASCII characters. */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c += 1) {
  const isAlnum =
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  const isSpace = c <= 0x20 || c === 0x7f;
  ASCII_CLASS[c] = isSpace ? SPACE : isAlnum ? WORD : PUNCT;
}

/** The class of a UTF-16 code unit at or above 0x80. */
function wideClass(c: number): number {
  if (c < 0x2000) {
    if (c === 0x85 || c === 0xa0 || c === 0x1680) return SPACE;
    // Latin-1 punctuation and symbols (¡ « » ¿ ...), but not the letters after them.
    if (c <= 0xbf || c === 0xd7 || c === 0xf7) return PUNCT;
    return WORD;
  }
  if (c <= 0x200b || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f) return SPACE;
  if (c <= 0x2bff) return PUNCT; // general punctuation, symbols, arrows, box drawing ...
  if (c === 0x3000) return SPACE;
  if (c <= 0x303f) return PUNCT; // CJK punctuation (、。「」)
  if (c <= 0x30ff) return SINGLE; // kana
  if (c >= 0x3400 && c <= 0x9fff) return SINGLE; // CJK ideographs
  if (c >= 0xf900 && c <= 0xfaff) return SINGLE;
  if (c >= 0xfe30 && c <= 0xfe4f) return PUNCT;
  if (c >= 0xff00 && c <= 0xff65) {
    const ascii = c - 0xfee0; // full-width forms of ASCII
    return ascii >= 0 && ascii < 128 ? (ASCII_CLASS[ascii] ?? PUNCT) : PUNCT;
  }
  if (c === 0xfeff) return SPACE;
  return WORD; // other scripts, and surrogates (emoji join the word they touch)
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Base of the n-gram polynomial (odd, so multiplying by it loses no bits mod 2^32). */
const BASE = 0x000f4243;

/** `BASE ** exp` mod 2^32. */
function powBase(exp: number): number {
  let out = 1;
  for (let i = 0; i < exp; i += 1) out = Math.imul(out, BASE);
  return out;
}

/**
 * One stream's detector. Feed it the text deltas in order with `push`; `tripped` turns true (and
 * stays so) the first time an n-gram exceeds `maxRepeats` within the window.
 *
 * @example
 * const d = new RepetitionDetector({ ngramTokens: 3, windowTokens: 50, maxRepeats: 4 });
 * d.push('all work and no play '.repeat(6)); // → true
 */
export class RepetitionDetector {
  /** Tokens counted so far. */
  tokens = 0;
  /** Set once an n-gram repeated too often; the token count at that moment is `trippedAt`. */
  tripped = false;
  trippedAt = 0;

  private readonly n: number;
  private readonly maxRepeats: number;
  /** `BASE ** (n - 1)`: the weight of the token leaving the n-gram. */
  private readonly lead: number;
  /** The last `n` token hashes (a ring). */
  private readonly recent: Int32Array;
  /** The latest n-gram hashes (a ring of `windowTokens` slots) and how many it holds. */
  private readonly window: Int32Array;
  private windowSize = 0;
  private windowPos = 0;
  private readonly counts = new Map<number, number>();
  private gram = 0;
  /** The token being read: its class (SPACE when between tokens) and hash so far. */
  private cls = SPACE;
  private hash = 0;

  constructor(limits: RepetitionLimits) {
    this.n = limits.ngramTokens;
    this.maxRepeats = limits.maxRepeats;
    this.lead = powBase(this.n - 1);
    this.recent = new Int32Array(this.n);
    this.window = new Int32Array(limits.windowTokens);
  }

  /** Feed the next piece of text; returns `tripped`. */
  push(text: string): boolean {
    for (let i = 0; i < text.length; i += 1) {
      let c = text.charCodeAt(i);
      const cls = c < 0x80 ? (ASCII_CLASS[c] ?? PUNCT) : wideClass(c);
      if (cls !== this.cls || cls === SINGLE) {
        if (this.cls !== SPACE) this.endToken();
        this.cls = cls;
        if (cls === SPACE) continue;
        this.hash = FNV_OFFSET ^ cls;
      }
      if (cls === SPACE) continue;
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      this.hash = Math.imul(this.hash ^ c, FNV_PRIME);
    }
    return this.tripped;
  }

  /** The text ended: count the token being read, if any; returns `tripped`. */
  end(): boolean {
    if (this.cls !== SPACE) this.endToken();
    this.cls = SPACE;
    return this.tripped;
  }

  private endToken(): void {
    const h = this.hash;
    const slot = this.tokens % this.n;
    const leaving = this.recent[slot] ?? 0;
    this.recent[slot] = h;
    this.tokens += 1;
    // Roll the polynomial: drop the token that left (it is 0 while fewer than n were seen).
    this.gram = (Math.imul(this.gram - Math.imul(leaving, this.lead), BASE) + h) | 0;
    if (this.tokens >= this.n) this.countGram(this.gram);
  }

  private countGram(gram: number): void {
    const counts = this.counts;
    const window = this.window;
    if (this.windowSize === window.length) {
      const old = window[this.windowPos] ?? 0;
      const left = (counts.get(old) ?? 1) - 1;
      if (left === 0) counts.delete(old);
      else counts.set(old, left);
    } else this.windowSize += 1;
    window[this.windowPos] = gram;
    this.windowPos = this.windowPos + 1 === window.length ? 0 : this.windowPos + 1;
    const seen = (counts.get(gram) ?? 0) + 1;
    counts.set(gram, seen);
    if (seen > this.maxRepeats && !this.tripped) {
      this.tripped = true;
      this.trippedAt = this.tokens;
    }
  }
}
