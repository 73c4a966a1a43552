/**
 * @module resources/list-pattern
 * The `name` and `uri` list filters. APISIX runs them as `ngx.re.find(subject, pattern, "jo")`,
 * an unanchored PCRE search; here RE2 (re2js) runs them, in time linear in the subject. V8's own
 * engine backtracks: `^/(a+)+b$` took 466 ms on one stored uri of 27 characters, twice as long
 * with each more, and a viewer key could freeze the primary with it (issue 9).
 *
 * RE2's syntax is PCRE's less backreferences and lookaround; a pattern using them is refused like
 * one that does not compile. Linear time still grows with the pattern's compiled size, which a
 * counted repetition multiplies (`.{100}` is a hundred copies of `.`), and compiling takes time
 * in proportion to it too; so the pattern's length and its expanded size are bounded before it
 * is compiled, and subjects longer than any uri APISIX accepts are not searched.
 */
import { RE2JS } from 're2js';

/** The longest pattern accepted, in characters (a route's `name` is at most 256 too). */
export const MAX_FILTER_PATTERN_LENGTH = 256;
/**
 * The largest expansion of a pattern (see {@link expandedSize}): a search then costs at most
 * about this many steps per character of each subject.
 */
export const MAX_FILTER_EXPANDED_SIZE = 256;
/** APISIX's longest `uri` (4096): a longer subject (stored by other means) is not matched. */
export const MAX_FILTER_SUBJECT_LENGTH = 4096;

/** A compiled filter, or why the pattern was refused. */
export type FilterPattern =
  { ok: true; matches: (subject: string) => boolean } | { ok: false; reason: string };

/** Where the character class starting at `start` (`[`) ends (the index after its `]`). */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  // A `]` first in the class is a literal.
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\') i++;
    else if (pattern.startsWith('[:', i)) {
      const close = pattern.indexOf(':]', i + 2);
      if (close !== -1) i = close + 1;
    }
    i++;
  }
  return i + 1;
}

/** Where the escape starting at `start` (`\`) ends: `\d`, `\pL`, `\p{Greek}`, `\x{10FFFF}`. */
function escapeEnd(pattern: string, start: number): number {
  const letter = pattern[start + 1];
  if ((letter === 'p' || letter === 'P' || letter === 'x') && pattern[start + 2] === '{') {
    const close = pattern.indexOf('}', start + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  // `\pL`: a one-letter class name.
  return letter === 'p' || letter === 'P' ? start + 3 : start + 2;
}

const REPEAT = /^\{(\d+)(,(\d*))?\}/;

/**
 * An upper bound of the size RE2 expands `pattern` to: every atom counts 1, a group the sum of
 * its contents, and a counted repetition (`{n}`, `{n,}`, `{n,m}`) copies its operand up to
 * `max(n, m) + 1` times, so nested ones multiply. Over-counts rather than under-counts: a group's
 * flags (`(?i)`) and text RE2 reads as literal braces count as atoms and repetitions.
 */
export function expandedSize(pattern: string): number {
  // The size of each open group, the outermost first.
  const groups = [0];
  let operand = 0;
  const add = (size: number) => {
    groups[groups.length - 1] = (groups.at(-1) ?? 0) + size;
    operand = size;
  };
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    const repeat = c === '{' ? REPEAT.exec(pattern.slice(i, i + 24)) : null;
    if (repeat) {
      const min = Number(repeat[1]);
      const max = repeat[2] === undefined ? min : repeat[3] === '' ? min + 1 : Number(repeat[3]);
      const copies = Math.max(min, max) + 1;
      groups[groups.length - 1] = (groups.at(-1) ?? 0) + operand * (copies - 1);
      operand *= copies;
      i += repeat[0].length;
    } else if (c === '(') {
      groups.push(0);
      operand = 0;
      i++;
    } else if (c === ')') {
      // An unbalanced `)` is left to the compiler to refuse.
      const inner = groups.length > 1 ? (groups.pop() ?? 0) : 0;
      add(inner);
      i++;
    } else {
      add(1);
      i = c === '[' ? classEnd(pattern, i) : c === '\\' ? escapeEnd(pattern, i) : i + 1;
    }
  }
  return groups.reduce((sum, size) => sum + size, 0);
}

/** Compiles the filter `pattern`, or says why it is refused. */
export function compileFilter(pattern: string): FilterPattern {
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    return { ok: false, reason: `longer than ${MAX_FILTER_PATTERN_LENGTH} characters` };
  }
  if (expandedSize(pattern) > MAX_FILTER_EXPANDED_SIZE) {
    return {
      ok: false,
      reason: `repeats too much (over ${MAX_FILTER_EXPANDED_SIZE} when expanded)`,
    };
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  return {
    ok: true,
    matches: (subject) =>
      subject.length <= MAX_FILTER_SUBJECT_LENGTH && compiled.matcher(subject).find(),
  };
}
