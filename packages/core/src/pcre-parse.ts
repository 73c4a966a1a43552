/**
 * @module pcre-parse
 * A parser of PCRE pattern syntax (as OpenResty's `ngx.re` compiles it in UTF-8 mode) into a
 * small tree whose leaves are already JavaScript `u`-mode regex text, for `pcre-translate` to
 * emit. PCRE's meaning is kept where it differs from JavaScript's: `.` excludes only `\n`, `$`
 * also matches before a final newline, `\s` is ASCII whitespace, `\v` is vertical whitespace,
 * `\Q...\E` quotes, POSIX classes, `\x{...}` escapes and identity escapes of any punctuation.
 * Constructs JavaScript cannot express are refused with PcreUnsupportedError naming them;
 * malformed patterns with PcreError and PCRE-like wording.
 */
import { PcreError } from './pcre';
import {
  classBody,
  codePointEscape,
  complement,
  PCRE_HSPACE,
  PCRE_SPACE,
  PCRE_VSPACE,
  POSIX_CLASSES,
  type CodeRanges,
} from './pcre-sets';

/** Valid PCRE that Tollgate cannot run as a JavaScript RegExp. */
export class PcreUnsupportedError extends PcreError {}

/** Alternatives of a sequence of nodes. */
export type PcreAlternatives = PcreNode[][];

export type PcreNode =
  /** JavaScript regex text; `repeatable` false for assertions, which need a group to repeat. */
  | { kind: 'raw'; text: string; repeatable: boolean }
  /** A group opened by `open` (`(`, `(?:`, `(?<name>`, `(?=`...); `capture` its PCRE number. */
  | { kind: 'group'; open: string; body: PcreAlternatives; capture?: number }
  | { kind: 'atomic'; body: PcreAlternatives }
  | { kind: 'repeat'; atom: PcreNode; quantifier: string; possessive: boolean }
  /** A back reference by PCRE group number or by name. */
  | { kind: 'ref'; group?: number; name?: string };

/** Pattern-wide options: caseless, multi-line, dot-all, extended. */
export interface PcreFlags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
}

export interface ParsedPcre {
  tree: PcreAlternatives;
  flags: PcreFlags;
  groups: number;
}

const SYNTAX_CHARS = '^$\\.*+?()[]{}|/';
const CLASS_SPECIAL = '\\]-[^';
const EXTENDED_SPACE = /[\t-\r \u0085\u200e\u200f\u2028\u2029]/;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const QUANTIFIER = /\{(\d+)(?:,(\d*))?\}/y;
const LEADING_VERB = /\(\*([A-Z0-9_]+)(?:=\d+)?\)/y;
const OPTION_SETTING = /\(\?([A-Za-z]*)(?:-([A-Za-z]*))?([):])/y;
const POSIX = /\[:(\^?)([a-z]+):\]/y;
const MAX_REPEAT = 65535;
/** PCRE's start-of-pattern settings that change nothing for a JavaScript match. */
const HARMLESS_VERBS = new Set([
  'UTF',
  'UTF8',
  'LF',
  'NO_AUTO_POSSESS',
  'NO_DOTSTAR_ANCHOR',
  'NO_JIT',
  'NO_START_OPT',
  'NOTEMPTY',
  'NOTEMPTY_ATSTART',
  'LIMIT_MATCH',
  'LIMIT_RECURSION',
  'LIMIT_DEPTH',
  'LIMIT_HEAP',
]);

const raw = (text: string, repeatable = true): PcreNode => ({ kind: 'raw', text, repeatable });

function isControl(cp: number): boolean {
  return (
    cp < 0x20 || cp === 0x7f || cp === 0x2028 || cp === 0x2029 || (cp >= 0xd800 && cp <= 0xdfff)
  );
}

/** A literal code point outside a class. */
function literal(cp: number): PcreNode {
  const ch = String.fromCodePoint(cp);
  if (SYNTAX_CHARS.includes(ch)) return raw(`\\${ch}`);
  return raw(isControl(cp) ? codePointEscape(cp) : ch);
}

/** A literal code point inside a class. */
function classChar(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (CLASS_SPECIAL.includes(ch)) return `\\${ch}`;
  return isControl(cp) ? codePointEscape(cp) : ch;
}

const setClass = (ranges: CodeRanges, negate: boolean): string =>
  `[${negate ? '^' : ''}${classBody(ranges)}]`;

/** JavaScript's name for a PCRE Unicode property (`Greek` is `Script=Greek` there). */
function jsPropertyName(name: string): string | undefined {
  const candidates = name === 'L&' ? ['LC'] : [name, `Script=${name}`];
  for (const candidate of candidates) {
    try {
      new RegExp(`\\p{${candidate}}`, 'u');
      return candidate;
    } catch {
      // not this spelling
    }
  }
  return undefined;
}

type ClassItem = { cp: number } | { set: string };

/** The parser; one instance per pattern. */
class PcreParser {
  private i = 0;
  private groups = 0;
  private readonly names = new Set<string>();
  private readonly namedRefs: string[] = [];
  private readonly numberedRefs: { node: { group?: number }; digits: string; at: number }[] = [];

  constructor(
    private readonly src: string,
    readonly flags: PcreFlags,
    private readonly matchOnly: boolean,
  ) {}

  parse(): ParsedPcre {
    this.leadingSettings();
    const tree = this.alternatives();
    if (this.i < this.src.length) throw this.syntax('unmatched closing parenthesis');
    for (const name of this.namedRefs) {
      if (!this.names.has(name))
        throw new PcreError(`reference to non-existent subpattern ${name}`);
    }
    for (const ref of this.numberedRefs) this.resolveNumbered(ref);
    return { tree, flags: this.flags, groups: this.groups };
  }

  private syntax(reason: string): PcreError {
    return new PcreError(`${reason} at offset ${this.i}`);
  }

  private unsupported(what: string): PcreUnsupportedError {
    return new PcreUnsupportedError(what);
  }

  private sticky(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.i;
    return re.exec(this.src);
  }

  private codePoint(): number {
    const cp = this.src.codePointAt(this.i) ?? 0;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  /** `(*UTF8)`-style verbs and `(?i)`-style settings before the first item apply to it all. */
  private leadingSettings(): void {
    for (;;) {
      this.skipExtended();
      const verb = this.sticky(LEADING_VERB);
      if (verb) {
        if (!HARMLESS_VERBS.has(verb[1] ?? '')) {
          throw this.unsupported(`the start-of-pattern setting (*${verb[1]})`);
        }
        this.i += verb[0].length;
        continue;
      }
      const setting = this.sticky(OPTION_SETTING);
      if (!setting || setting[3] !== ')') return;
      this.applyOptions(setting[1] ?? '', setting[2] ?? '');
      this.i += setting[0].length;
    }
  }

  private applyOptions(on: string, off: string): void {
    for (const [letters, value] of [
      [on, true],
      [off, false],
    ] as const) {
      for (const letter of letters) {
        if (letter === 'i' || letter === 'm' || letter === 's' || letter === 'x') {
          this.flags[letter] = value;
        } else if ('JUnr'.includes(letter)) {
          throw this.unsupported(`the inline option (?${letter})`);
        } else {
          throw this.syntax('unrecognized character after (? or (?-');
        }
      }
    }
  }

  /** Whether an inline setting would change nothing (a no-op `(?-i)` is fine anywhere). */
  private changesNothing(on: string, off: string): boolean {
    const known = (l: string): l is keyof PcreFlags =>
      l === 'i' || l === 'm' || l === 's' || l === 'x';
    for (const l of on + off) {
      if (!known(l) && !'JUnr'.includes(l)) throw this.syntax('unrecognized character after (?');
    }
    return (
      [...on].every((l) => known(l) && this.flags[l]) &&
      [...off].every((l) => known(l) && !this.flags[l])
    );
  }

  private skipExtended(): void {
    if (!this.flags.x) return;
    while (this.i < this.src.length) {
      const ch = this.src[this.i] ?? '';
      if (EXTENDED_SPACE.test(ch)) this.i += 1;
      else if (ch === '#') {
        const end = this.src.indexOf('\n', this.i);
        this.i = end === -1 ? this.src.length : end + 1;
      } else return;
    }
  }

  private alternatives(): PcreAlternatives {
    const alts = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i += 1;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): PcreNode[] {
    const items: PcreNode[] = [];
    for (;;) {
      this.skipExtended();
      const ch = this.src[this.i];
      if (ch === undefined || ch === '|' || ch === ')') return items;
      if (this.src.startsWith('\\Q', this.i)) {
        this.i += 2;
        while (this.i < this.src.length && !this.src.startsWith('\\E', this.i)) {
          items.push(literal(this.codePoint()));
        }
        if (this.i < this.src.length) this.i += 2;
        // A quantifier after \E repeats the last quoted character.
        const last = items.pop();
        if (last) items.push(this.quantified(last));
        continue;
      }
      const atom = this.atom();
      if (atom) items.push(this.quantified(atom));
    }
  }

  private quantifier(): string | undefined {
    const ch = this.src[this.i];
    if (ch === '*' || ch === '+' || ch === '?') {
      this.i += 1;
      return ch;
    }
    if (ch !== '{') return undefined;
    const m = this.sticky(QUANTIFIER);
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[2] === '' ? Infinity : Number(m[2]);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
      throw this.syntax('number too big in {} quantifier');
    }
    if (max < min) throw this.syntax('numbers out of order in {} quantifier');
    this.i += m[0].length;
    return m[0];
  }

  private quantified(atom: PcreNode): PcreNode {
    let node = atom;
    for (;;) {
      this.skipExtended();
      const q = this.quantifier();
      if (q === undefined) return node;
      let possessive = false;
      let lazy = false;
      if (this.src[this.i] === '+') possessive = true;
      else if (this.src[this.i] === '?') lazy = true;
      if (possessive || lazy) this.i += 1;
      if (!this.repeatable(node)) node = { kind: 'group', open: '(?:', body: [[node]] };
      node = { kind: 'repeat', atom: node, quantifier: lazy ? `${q}?` : q, possessive };
    }
  }

  private repeatable(node: PcreNode): boolean {
    switch (node.kind) {
      case 'raw':
        return node.repeatable;
      case 'group':
        return (
          !node.open.startsWith('(?=') &&
          !node.open.startsWith('(?!') &&
          !node.open.startsWith('(?<=') &&
          !node.open.startsWith('(?<!')
        );
      case 'repeat':
        return false;
      default:
        return true;
    }
  }

  private atom(): PcreNode | null {
    const ch = this.src[this.i];
    switch (ch) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        this.i += 1;
        return raw(this.flags.s ? '[\\s\\S]' : '[^\\n]');
      case '^':
        this.i += 1;
        return raw(this.flags.m ? '(?:^|(?<=\\n)(?=[\\s\\S]))' : '^', false);
      case '$':
        this.i += 1;
        return raw(this.flags.m ? '(?=\\n|$)' : '(?=\\n?$)', false);
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw this.syntax('quantifier does not follow a repeatable item');
      case '{':
        if (this.sticky(QUANTIFIER))
          throw this.syntax('quantifier does not follow a repeatable item');
        this.i += 1;
        return literal(0x7b);
      default:
        return literal(this.codePoint());
    }
  }

  private groupBody(): PcreAlternatives {
    const body = this.alternatives();
    if (this.src[this.i] !== ')') throw this.syntax('missing closing parenthesis');
    this.i += 1;
    return body;
  }

  private readName(close: string): string {
    const m = this.sticky(NAME);
    if (!m) throw this.syntax('group name must start with a non-digit');
    this.i += m[0].length;
    if (this.src[this.i] !== close)
      throw this.syntax(`syntax error in subpattern name (missing ${close})`);
    this.i += 1;
    return m[0];
  }

  private group(): PcreNode | null {
    const at = (s: string) => this.src.startsWith(s, this.i);
    if (at('(?#')) {
      const end = this.src.indexOf(')', this.i);
      if (end === -1) throw this.syntax('missing ) after (?# comment');
      this.i = end + 1;
      return null;
    }
    if (at('(*')) {
      const m = /\(\*([A-Za-z_]*)(?::[^)]*)?\)/y;
      const verb = this.sticky(m);
      if (verb && (verb[1] === 'FAIL' || verb[1] === 'F')) {
        this.i += verb[0].length;
        return raw('(?!)', false);
      }
      throw this.unsupported(`the backtracking control verb ${verb ? verb[0] : '(*'}`);
    }
    if (!at('(?')) {
      this.i += 1;
      const capture = ++this.groups;
      return { kind: 'group', open: '(', body: this.groupBody(), capture };
    }
    for (const open of ['(?:', '(?=', '(?!', '(?<=', '(?<!']) {
      if (at(open)) {
        this.i += open.length;
        return { kind: 'group', open, body: this.groupBody() };
      }
    }
    if (at('(?>')) {
      this.i += 3;
      return { kind: 'atomic', body: this.groupBody() };
    }
    for (const [open, close] of [
      ['(?<', '>'],
      ["(?'", "'"],
      ['(?P<', '>'],
    ] as const) {
      if (at(open)) {
        this.i += open.length;
        const name = this.readName(close);
        if (this.names.has(name))
          throw this.syntax(`two named subpatterns have the same name ${name}`);
        this.names.add(name);
        const capture = ++this.groups;
        return { kind: 'group', open: `(?<${name}>`, body: this.groupBody(), capture };
      }
    }
    if (at('(?P=')) {
      this.i += 4;
      const name = this.readName(')');
      this.namedRefs.push(name);
      return { kind: 'ref', name };
    }
    if (at('(?|')) throw this.unsupported('the branch reset group (?|...)');
    if (at('(?(')) throw this.unsupported('the conditional group (?(...)...)');
    if (at('(?C')) throw this.unsupported('the callout (?C...)');
    if (/\(\?(?:R|[+-]?\d|&|P>)/y.test(this.src.slice(this.i, this.i + 4))) {
      throw this.unsupported('recursion and subroutine calls ((?R), (?1), (?&name))');
    }
    const setting = this.sticky(OPTION_SETTING);
    if (setting) {
      const on = setting[1] ?? '';
      const off = setting[2] ?? '';
      if (!this.changesNothing(on, off)) {
        throw this.unsupported(
          `the inline option setting ${setting[0]} after the start of the pattern (put it first, where it applies to the whole pattern)`,
        );
      }
      this.i += setting[0].length;
      if (setting[3] === ')') return null;
      return { kind: 'group', open: '(?:', body: this.groupBody() };
    }
    throw this.syntax('unrecognized character after (? or (?-');
  }

  private hexEscape(): number {
    // After `\x`.
    if (this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i);
      const digits = end === -1 ? '' : this.src.slice(this.i + 1, end);
      if (!/^[0-9A-Fa-f]+$/.test(digits))
        throw this.syntax('\\x{ is not followed by hex digits and }');
      this.i = end + 1;
      return this.checkedCodePoint(parseInt(digits, 16));
    }
    const m = /[0-9A-Fa-f]{0,2}/y;
    const digits = this.sticky(m)?.[0] ?? '';
    this.i += digits.length;
    return digits === '' ? 0 : parseInt(digits, 16);
  }

  private checkedCodePoint(cp: number): number {
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw this.syntax('character code point value in \\x{} or \\o{} is too large or a surrogate');
    }
    return cp;
  }

  /** The code point of a literal escape `\<letter>` (the letter already consumed), or undefined. */
  private literalEscape(letter: string): number | undefined {
    switch (letter) {
      case 'a':
        return 0x07;
      case 'e':
        return 0x1b;
      case 'f':
        return 0x0c;
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 't':
        return 0x09;
      case 'x':
        return this.hexEscape();
      case 'o': {
        const m = /\{([0-7]+)\}/y;
        const found = this.sticky(m);
        if (!found) throw this.syntax('\\o{ is not followed by octal digits and }');
        this.i += found[0].length;
        return this.checkedCodePoint(parseInt(found[1] ?? '0', 8));
      }
      case 'c': {
        const ch = this.src[this.i];
        if (ch === undefined || ch.charCodeAt(0) > 0x7e || ch.charCodeAt(0) < 0x20) {
          throw this.syntax('\\c must be followed by a printable ASCII character');
        }
        this.i += 1;
        return ch.toUpperCase().charCodeAt(0) ^ 0x40;
      }
      case 'N': {
        const m = /\{U\+([0-9A-Fa-f]+)\}/y;
        const found = this.sticky(m);
        if (!found) return undefined;
        this.i += found[0].length;
        return this.checkedCodePoint(parseInt(found[1] ?? '0', 16));
      }
      default:
        return undefined;
    }
  }

  private octal(first: string): number {
    // `first` consumed; up to two more octal digits.
    const m = /[0-7]{0,2}/y;
    const more = this.sticky(m)?.[0] ?? '';
    this.i += more.length;
    return parseInt(first + more, 8);
  }

  private property(negated: boolean): string {
    let name: string;
    if (this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i);
      if (end === -1) throw this.syntax('malformed \\P or \\p sequence');
      name = this.src.slice(this.i + 1, end);
      this.i = end + 1;
      if (name.startsWith('^')) {
        negated = !negated;
        name = name.slice(1);
      }
    } else {
      name = this.src[this.i] ?? '';
      this.i += 1;
    }
    const js = jsPropertyName(name);
    if (js === undefined) throw this.syntax(`unknown property name after \\P or \\p: ${name}`);
    return `\\${negated ? 'P' : 'p'}{${js}}`;
  }

  private escape(): PcreNode | null {
    const letter = this.src[this.i + 1];
    if (letter === undefined) throw this.syntax('\\ at end of pattern');
    this.i += 2;
    switch (letter) {
      case 'A':
      case 'G':
        return raw('^', false);
      case 'z':
        return raw('$', false);
      case 'Z':
        return raw('(?=\\n?$)', false);
      case 'b':
      case 'B':
        return raw(`\\${letter}`, false);
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return raw(`\\${letter}`);
      case 's':
      case 'S':
        return raw(setClass(PCRE_SPACE, letter === 'S'));
      case 'h':
      case 'H':
        return raw(setClass(PCRE_HSPACE, letter === 'H'));
      case 'v':
      case 'V':
        return raw(setClass(PCRE_VSPACE, letter === 'V'));
      case 'R':
        return raw(`(?:\\r\\n|${setClass(PCRE_VSPACE, false)})`);
      case 'p':
      case 'P':
        return raw(this.property(letter === 'P'));
      case 'K':
        if (this.matchOnly) return null;
        throw this.unsupported('\\K (reset the start of the match)');
      case 'E':
        return null;
      case 'X':
        throw this.unsupported('\\X (extended grapheme cluster)');
      case 'C':
        throw this.unsupported('\\C (one code unit)');
      case 'g':
        return this.gReference();
      case 'k':
        return this.kReference();
      case '0':
        return literal(this.octal(''));
      default:
        break;
    }
    if (letter >= '1' && letter <= '9') {
      const m = /\d*/y;
      const digits = letter + (this.sticky(m)?.[0] ?? '');
      this.i += digits.length - 1;
      const node: { kind: 'ref'; group?: number } = { kind: 'ref' };
      this.numberedRefs.push({ node, digits, at: this.i });
      return node;
    }
    if (letter === 'N') {
      const cp = this.literalEscape('N');
      return cp === undefined ? raw('[^\\n]') : literal(cp);
    }
    const cp = this.literalEscape(letter);
    if (cp !== undefined) return literal(cp);
    if (/[A-Za-z0-9]/.test(letter))
      throw this.syntax(`unrecognized character follows \\ (\\${letter})`);
    // Any other escaped character stands for itself (PCRE allows `\@`, `\-`, `\"`...).
    this.i -= 1;
    return literal(this.codePoint());
  }

  private gReference(): PcreNode {
    const src = this.src;
    if (src[this.i] === '<' || src[this.i] === "'") {
      throw this.unsupported('subroutine calls (\\g<name>)');
    }
    let body: string;
    if (src[this.i] === '{') {
      const end = src.indexOf('}', this.i);
      if (end === -1)
        throw this.syntax(
          '\\g is not followed by a braced, angle-bracketed, or quoted name/number',
        );
      body = src.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      const m = /[+-]?\d+/y;
      body = this.sticky(m)?.[0] ?? '';
      if (body === '') throw this.syntax('a numbered reference must not be zero');
      this.i += body.length;
    }
    if (/^[A-Za-z_]\w*$/.test(body)) {
      this.namedRefs.push(body);
      return { kind: 'ref', name: body };
    }
    if (!/^[+-]?\d+$/.test(body)) throw this.syntax('\\g is not followed by a name or number');
    const n = Number(body);
    let group: number;
    if (body.startsWith('-')) group = this.groups + n + 1;
    else if (body.startsWith('+')) group = this.groups + n;
    else group = n;
    if (group < 1) throw this.syntax('reference to non-existent subpattern');
    const node: { kind: 'ref'; group?: number } = { kind: 'ref' };
    this.numberedRefs.push({ node, digits: String(group), at: this.i });
    return node;
  }

  private kReference(): PcreNode {
    const closers = new Map([
      ['<', '>'],
      ["'", "'"],
      ['{', '}'],
    ]);
    const close = closers.get(this.src[this.i] ?? '');
    if (close === undefined)
      throw this.syntax('\\k is not followed by a braced, angle-bracketed, or quoted name');
    this.i += 1;
    const name = this.readName(close);
    this.namedRefs.push(name);
    return { kind: 'ref', name };
  }

  /** `\N` with N > 9 and fewer groups is octal in PCRE; otherwise a back reference. */
  private resolveNumbered(ref: { node: { group?: number }; digits: string; at: number }): void {
    const n = Number(ref.digits);
    if (ref.digits.length === 1 || n <= this.groups) {
      if (n > this.groups) {
        throw new PcreError(`reference to non-existent subpattern at offset ${ref.at}`);
      }
      ref.node.group = n;
      return;
    }
    throw this.unsupported(
      `the escape \\${ref.digits} (octal in PCRE since there are fewer groups; write \\o{...} or \\x{...})`,
    );
  }

  private classEscape(): ClassItem | null {
    const letter = this.src[this.i + 1];
    if (letter === undefined) throw this.syntax('\\ at end of pattern');
    this.i += 2;
    switch (letter) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return { set: `\\${letter}` };
      case 's':
        return { set: classBody(PCRE_SPACE) };
      case 'S':
        return { set: classBody(complement(PCRE_SPACE)) };
      case 'h':
        return { set: classBody(PCRE_HSPACE) };
      case 'H':
        return { set: classBody(complement(PCRE_HSPACE)) };
      case 'v':
        return { set: classBody(PCRE_VSPACE) };
      case 'V':
        return { set: classBody(complement(PCRE_VSPACE)) };
      case 'p':
      case 'P':
        return { set: this.property(letter === 'P') };
      case 'b':
        return { cp: 0x08 };
      case 'E':
        return null;
      default:
        break;
    }
    if (letter >= '0' && letter <= '7') return { cp: this.octal(letter) };
    const cp = this.literalEscape(letter);
    if (cp !== undefined) return { cp };
    if (/[A-Za-z0-9]/.test(letter)) {
      throw this.syntax(`escape sequence is invalid in character class (\\${letter})`);
    }
    this.i -= 1;
    return { cp: this.codePoint() };
  }

  private classItem(): ClassItem | null {
    if (this.src[this.i] === '\\') return this.classEscape();
    return { cp: this.codePoint() };
  }

  private charClass(): PcreNode {
    this.i += 1;
    let negate = false;
    if (this.src[this.i] === '^') {
      negate = true;
      this.i += 1;
    }
    const parts: string[] = [];
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) throw this.syntax('missing terminating ] for character class');
      if (this.src[this.i] === ']' && !first) {
        this.i += 1;
        break;
      }
      first = false;
      if (this.src.startsWith('\\Q', this.i)) {
        this.i += 2;
        while (this.i < this.src.length && !this.src.startsWith('\\E', this.i)) {
          parts.push(classChar(this.codePoint()));
        }
        if (this.i < this.src.length) this.i += 2;
        continue;
      }
      if (this.src.startsWith('[:', this.i)) {
        const m = this.sticky(POSIX);
        if (m) {
          const ranges = POSIX_CLASSES.get(m[2] ?? '');
          if (!ranges) throw this.syntax(`unknown POSIX class name ${m[2]}`);
          parts.push(classBody(m[1] ? complement(ranges) : ranges));
          this.i += m[0].length;
          continue;
        }
      }
      if (this.src.startsWith('[.', this.i) || this.src.startsWith('[=', this.i)) {
        throw this.syntax('POSIX collating elements are not supported');
      }
      const item = this.classItem();
      if (!item) continue;
      if (
        'cp' in item &&
        this.src[this.i] === '-' &&
        this.i + 1 < this.src.length &&
        this.src[this.i + 1] !== ']'
      ) {
        this.i += 1;
        const high = this.src.startsWith('\\Q', this.i) ? null : this.classItem();
        if (high && 'cp' in high) {
          if (high.cp < item.cp) throw this.syntax('range out of order in character class');
          parts.push(`${classChar(item.cp)}-${classChar(high.cp)}`);
          continue;
        }
        // `[a-\d]`: the hyphen is literal.
        parts.push(classChar(item.cp), '\\-');
        if (high) parts.push(high.set);
        continue;
      }
      parts.push('cp' in item ? classChar(item.cp) : item.set);
    }
    return raw(`[${negate ? '^' : ''}${parts.join('')}]`);
  }
}

/** Parse `pattern` with the pattern-wide `flags` (changed in place by leading settings). */
export function parsePcre(pattern: string, flags: PcreFlags, matchOnly: boolean): ParsedPcre {
  return new PcreParser(pattern, flags, matchOnly).parse();
}
