/**
 * @module lookup-template
 * Text templates in lua-resty-template's tag syntax, restricted to plain lookups: `{{ name }}`
 * (HTML-escaped, as lua-resty-template's `{{...}}` escapes), `{* name *}` (raw) and `{# ... #}`
 * (a comment), where `name` is a variable or a dotted path (`user.name`). Nothing is evaluated:
 * code tags (`{% %}`), includes (`{( )}`, `{[ ]}`), blocks (`{- -}`) and any expression that is
 * not a path are refused when the template is parsed, and prototype keys are never looked up.
 * Values print as lua-resty-template prints them: strings as they are, numbers as Lua's `%.14g`,
 * `true` as `true`, and `false`, `null` or a missing variable as nothing.
 *
 * @example
 * const t = parseLookupTemplate('Write a {{ lang }} program.');
 * renderLookupTemplate(t, { lang: 'C & C++' }); // 'Write a C &amp; C++ program.'
 */
import { ownValue } from './json';

/** A `{{ path }}` or `{* path *}` tag. */
export interface LookupTag {
  readonly path: readonly string[];
  readonly escape: boolean;
}

/** A parsed template: literal text and tags, in order. */
export type LookupTemplate = readonly (string | LookupTag)[];

/** A template that uses syntax Tollgate does not run. */
export class TemplateSyntaxError extends Error {}

/** A lookup that cannot be made (a path through a value that is not an object). */
export class TemplateRenderError extends Error {}

/** Most parts of a dotted path. */
export const MAX_PATH_PARTS = 5;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LUA_KEYWORDS = new Set(
  'and break do else elseif end false for function goto if in local nil not or repeat return then true until while'.split(
    ' ',
  ),
);
/** Never looked up: JavaScript prototype keys and the helpers APISIX's body-transformer adds. */
const RESERVED = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '_ctx',
  '_body',
  '_escape_xml',
  '_escape_json',
  '_multipart',
]);
/** Tags lua-resty-template runs as code; refused. */
const CODE_TAGS: ReadonlyMap<string, string> = new Map([
  ['%', '%}'],
  ['(', ')}'],
  ['[', ']}'],
  ['-', '-}'],
]);
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '/': '&#47;',
};

function parsePath(expression: string, tag: string): string[] {
  const parts = expression.split('.');
  const reserved = parts.find((p) => RESERVED.has(p));
  const why =
    parts.length > MAX_PATH_PARTS
      ? `more than ${MAX_PATH_PARTS} parts`
      : parts.some((p) => !IDENTIFIER.test(p) || LUA_KEYWORDS.has(p))
        ? 'only variable names and dotted paths are looked up, nothing is evaluated'
        : reserved !== undefined
          ? `${reserved} is not a variable`
          : undefined;
  if (why !== undefined) throw new TemplateSyntaxError(`unsupported template tag ${tag}: ${why}`);
  return parts;
}

/**
 * Parse `text`. A tag is only a tag when its closing delimiter follows, as in lua-resty-template.
 * @throws TemplateSyntaxError for tags that would run code or are not plain lookups
 */
export function parseLookupTemplate(text: string): LookupTemplate {
  const out: (string | LookupTag)[] = [];
  let literal = '';
  let i = 0;
  for (;;) {
    const open = text.indexOf('{', i);
    if (open === -1) break;
    const kind = text[open + 1] ?? '';
    const close =
      kind === '{' ? '}}' : kind === '*' ? '*}' : kind === '#' ? '#}' : CODE_TAGS.get(kind);
    const end = close === undefined ? -1 : text.indexOf(close, open + 2);
    if (close === undefined || end === -1) {
      literal += text.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    const tag = text.slice(open, end + 2);
    if (CODE_TAGS.has(kind)) {
      throw new TemplateSyntaxError(
        `unsupported template tag ${tag}: Tollgate runs no template code`,
      );
    }
    literal += text.slice(i, open);
    i = end + 2;
    if (kind === '#') continue;
    if (literal !== '') out.push(literal);
    literal = '';
    out.push({ path: parsePath(text.slice(open + 2, end).trim(), tag), escape: kind === '{' });
  }
  literal += text.slice(i);
  if (literal !== '') out.push(literal);
  return out;
}

/** Whether a parsed template has tags (a template without is its own text). */
export function hasTags(template: LookupTemplate): boolean {
  return template.some((piece) => typeof piece !== 'string');
}

/** lua-resty-template's HTML escaping of `{{...}}` values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'/]/g, (ch) => ownValue(HTML_ENTITIES, ch) ?? ch);
}

/**
 * A number as Lua's `tostring` prints it (`%.14g`): `3`, `0.1`, `1e+20`.
 * @example luaNumberText(1 / 3) // '0.33333333333333'
 */
export function luaNumberText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa = '', exponent = '0'] = n.toExponential(13).split('e');
  const exp = Number(exponent);
  const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 14) {
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${trim(mantissa)}e${exp < 0 ? '-' : '+'}${digits}`;
  }
  return trim(n.toFixed(13 - exp));
}

function typeName(value: unknown): string {
  if (value === undefined || value === false) return 'nil';
  if (value === null) return 'null';
  return typeof value;
}

function lookup(vars: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let value: unknown = vars;
  for (let k = 0; k < path.length; k++) {
    const part = path[k] ?? '';
    if (typeof value === 'string') return undefined;
    if (typeof value !== 'object' || value === null) {
      const where = path.slice(0, k).join('.');
      throw new TemplateRenderError(`attempt to index '${where}' (a ${typeName(value)} value)`);
    }
    value = ownValue(value as Record<string, unknown>, part);
  }
  return value;
}

/** A value as lua-resty-template prints it; objects and arrays as JSON. */
function print(value: unknown, escape: boolean): string {
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'number') return luaNumberText(value);
  if (typeof value === 'string') return escape ? escapeHtml(value) : value;
  if (value === true) return 'true';
  const json = JSON.stringify(value);
  return escape ? escapeHtml(json) : json;
}

/**
 * Render `template` with `vars` (own properties only).
 * @throws TemplateRenderError when a path goes through a number, boolean, null or missing value
 */
export function renderLookupTemplate(
  template: LookupTemplate,
  vars: Readonly<Record<string, unknown>>,
): string {
  let out = '';
  for (const piece of template) {
    out += typeof piece === 'string' ? piece : print(lookup(vars, piece.path), piece.escape);
  }
  return out;
}
