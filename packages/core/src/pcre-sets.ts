/**
 * @module pcre-sets
 * The character sets whose PCRE meaning differs from JavaScript's, as code point ranges: PCRE's
 * `\s` (ASCII whitespace only, without UCP), `\h`, `\v` and the POSIX classes (`[:alpha:]`...),
 * written back as the body of a JavaScript `u`-mode character class.
 */

/** Inclusive code point ranges, sorted and not overlapping. */
export type CodeRanges = readonly (readonly [number, number])[];

const MAX_CODE_POINT = 0x10ffff;

/** PCRE `\s` without UCP: HT, LF, VT, FF, CR and space. */
export const PCRE_SPACE: CodeRanges = [
  [0x09, 0x0d],
  [0x20, 0x20],
];

/** PCRE `\h`: horizontal whitespace. */
export const PCRE_HSPACE: CodeRanges = [
  [0x09, 0x09],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x200a],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

/** PCRE `\v`: vertical whitespace (JavaScript's `\v` is only VT). */
export const PCRE_VSPACE: CodeRanges = [
  [0x0a, 0x0d],
  [0x85, 0x85],
  [0x2028, 0x2029],
];

const ALPHA: CodeRanges = [
  [0x41, 0x5a],
  [0x61, 0x7a],
];
const DIGIT: CodeRanges = [[0x30, 0x39]];

/** POSIX classes inside PCRE brackets (`[[:alpha:]]`), ASCII as PCRE has them without UCP. */
export const POSIX_CLASSES: ReadonlyMap<string, CodeRanges> = new Map<string, CodeRanges>([
  ['alpha', ALPHA],
  ['digit', DIGIT],
  ['alnum', normalise([...DIGIT, ...ALPHA])],
  ['upper', [[0x41, 0x5a]]],
  ['lower', [[0x61, 0x7a]]],
  ['space', PCRE_SPACE],
  [
    'blank',
    [
      [0x09, 0x09],
      [0x20, 0x20],
    ],
  ],
  [
    'punct',
    [
      [0x21, 0x2f],
      [0x3a, 0x40],
      [0x5b, 0x60],
      [0x7b, 0x7e],
    ],
  ],
  ['print', [[0x20, 0x7e]]],
  ['graph', [[0x21, 0x7e]]],
  [
    'cntrl',
    [
      [0x00, 0x1f],
      [0x7f, 0x7f],
    ],
  ],
  [
    'xdigit',
    [
      [0x30, 0x39],
      [0x41, 0x46],
      [0x61, 0x66],
    ],
  ],
  [
    'word',
    [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x5f, 0x5f],
      [0x61, 0x7a],
    ],
  ],
  ['ascii', [[0x00, 0x7f]]],
]);

/** `ranges` sorted with overlapping or adjacent ranges merged. */
export function normalise(ranges: CodeRanges): CodeRanges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Every code point not in `ranges`. */
export function complement(ranges: CodeRanges): CodeRanges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of normalise(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** A code point as a `u`-mode escape (`\u{9}`), valid in and out of classes. */
export function codePointEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/**
 * The ranges as the inside of a `u`-mode character class.
 * @example classBody(PCRE_SPACE) // '\\u{9}-\\u{d}\\u{20}'
 */
export function classBody(ranges: CodeRanges): string {
  return ranges
    .map(([lo, hi]) =>
      lo === hi ? codePointEscape(lo) : `${codePointEscape(lo)}-${codePointEscape(hi)}`,
    )
    .join('');
}
