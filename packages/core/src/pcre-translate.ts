/**
 * @module pcre-translate
 * PCRE patterns (OpenResty's `ngx.re` with the `u` option) as JavaScript RegExps that match the
 * same strings, for plugins whose configuration carries patterns APISIX compiles with PCRE
 * (ai-prompt-guard's `jou`). `compilePcre` in `./pcre` hands the pattern to JavaScript as is; this
 * translates PCRE's syntax and meaning first:
 * - possessive quantifiers (`a++`) and atomic groups (`(?>...)`) become a lookahead that captures
 *   plus a back reference to it (`(?=(a+))\1`), which JavaScript never backtracks into;
 * - option settings at the start (`(?i)`, `(?x)`...) apply to the whole pattern; elsewhere they
 *   are refused unless they change nothing;
 * - `\A`, `\z`, `\Z`, `$`, `.`, `\s`, `\h`, `\v`, `\R`, `\Q...\E`, POSIX classes, `\x{...}`,
 *   `\o{...}`, `\e`, named groups in each PCRE spelling, `\g{-1}`-style references;
 * - `\K` is dropped where only whether the pattern matches is used (`matchOnly`).
 * Recursion, conditionals, branch reset, callouts, backtracking verbs, `\X` and `\C` are refused
 * with PcreUnsupportedError. JavaScript's `u` flag is always on (code points, as PCRE's UTF-8
 * mode), its `i` flag only for caseless patterns.
 *
 * @example
 * compilePcreExact('(?i)ab++c', { matchOnly: true }).test('xABBC'); // true
 */
import { PcreError } from './pcre';
import { parsePcre, type PcreAlternatives, type PcreFlags, type PcreNode } from './pcre-parse';

export { PcreUnsupportedError } from './pcre-parse';

export interface PcreTranslateOptions {
  /** ngx.re options that change matching: `i` caseless, `m` multi-line, `s` dot-all, `x` extended; others (`j`, `o`, `u`...) are ignored. */
  options?: string;
  /** Only whether the pattern matches is used (ngx.re.find as a test), so `\K` can be dropped. */
  matchOnly?: boolean;
}

/** A JavaScript RegExp source and flags. */
export interface TranslatedPcre {
  source: string;
  flags: string;
}

/** Back references are written after numbering, as `\u0000<PCRE number>\u0000` until then. */
// eslint-disable-next-line no-control-regex -- NUL marks a placeholder; emitted text never has one raw
const REF_PLACEHOLDER = /\u0000(\d+)\u0000/g;

class Emitter {
  private count = 0;
  /** PCRE group number → JavaScript group number (helper groups shift them). */
  readonly numbers = new Map<number, number>();

  alternatives(alts: PcreAlternatives): string {
    return alts.map((seq) => seq.map((node) => this.node(node)).join('')).join('|');
  }

  /** `(?=(X))\k`: matches what X matches first and never backtracks into it. */
  private atomic(inner: () => string): string {
    const helper = ++this.count;
    return `(?:(?=(${inner()}))\\${helper})`;
  }

  node(node: PcreNode): string {
    switch (node.kind) {
      case 'raw':
        return node.text;
      case 'group': {
        if (node.capture !== undefined) this.numbers.set(node.capture, ++this.count);
        return `${node.open}${this.alternatives(node.body)})`;
      }
      case 'atomic':
        return this.atomic(() => this.alternatives(node.body));
      case 'repeat':
        if (node.possessive) return this.atomic(() => `${this.node(node.atom)}${node.quantifier}`);
        return `${this.node(node.atom)}${node.quantifier}`;
      case 'ref':
        return node.name !== undefined ? `\\k<${node.name}>` : `\u0000${node.group ?? 0}\u0000`;
    }
  }
}

/**
 * The JavaScript source and flags matching what PCRE would for `pattern`.
 * @throws PcreUnsupportedError for valid PCRE JavaScript cannot express, PcreError otherwise
 */
export function translatePcre(pattern: string, options: PcreTranslateOptions = {}): TranslatedPcre {
  const letters = options.options ?? '';
  const flags: PcreFlags = {
    i: letters.includes('i'),
    m: letters.includes('m'),
    s: letters.includes('s'),
    x: letters.includes('x'),
  };
  const parsed = parsePcre(pattern, flags, options.matchOnly ?? false);
  const emitter = new Emitter();
  const body = emitter.alternatives(parsed.tree);
  const source = body.replace(
    REF_PLACEHOLDER,
    (_m, group: string) => `(?:\\${emitter.numbers.get(Number(group)) ?? 0})`,
  );
  return { source, flags: parsed.flags.i ? 'iu' : 'u' };
}

/**
 * `pattern` compiled to a RegExp with PCRE's matches (see the module notes).
 * @throws PcreUnsupportedError or PcreError
 */
export function compilePcreExact(pattern: string, options: PcreTranslateOptions = {}): RegExp {
  const { source, flags } = translatePcre(pattern, options);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new PcreError((err as Error).message);
  }
}
