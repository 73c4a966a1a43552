/**
 * @module pcre
 * OpenResty's `ngx.re.sub`/`ngx.re.gsub`/`ngx.re.match` over JavaScript regular expressions, for
 * plugins whose configuration carries PCRE patterns and `$1`-style templates (proxy-rewrite,
 * redirect, response-rewrite). Patterns come from configuration, never from requests.
 *
 * @example
 * const re = compilePcre('^/api/(.*)');
 * pcreSub('/api/v1/users', re, '/$1'); // { text: '/v1/users', count: 1 }
 */

/** Thrown for a pattern JavaScript cannot compile, with the engine's message. */
export class PcreError extends Error {}

/**
 * Compile `pattern` with ngx.re `options` (`i` caseless, `m` multi-line, `s` dot-all, `u` UTF-8;
 * `j`, `o` and `x`-less performance flags are ignored). `global` adds JavaScript's `g`.
 */
export function compilePcre(pattern: string, options = '', global = false): RegExp {
  let flags = global ? 'g' : '';
  for (const option of new Set(options)) {
    if (option === 'i' || option === 'm' || option === 's') flags += option;
    else if (option === 'u') flags += 'u';
  }
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    throw new PcreError((err as Error).message);
  }
}

const TEMPLATE_TOKEN = /\$(?:\{(\d+)\}|(\d)|(\$))/g;

/** `template` with `$0`..`$9`, `${N}` replaced by `groups` (absent ones empty) and `$$` by `$`. */
export function expandPcreTemplate(
  template: string,
  groups: readonly (string | undefined)[],
): string {
  if (!template.includes('$')) return template;
  return template.replace(
    TEMPLATE_TOKEN,
    (_m, braced: string | undefined, digit: string | undefined, dollar: string | undefined) =>
      dollar !== undefined ? '$' : (groups[Number(braced ?? digit)] ?? ''),
  );
}

/** Result of a substitution: the new text and how many matches were replaced. */
export interface PcreSubResult {
  text: string;
  count: number;
}

/** `ngx.re.sub`: replace the first match of `re` in `subject` by `template`. */
export function pcreSub(subject: string, re: RegExp, template: string): PcreSubResult {
  const probe = re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
  const m = probe.exec(subject);
  if (!m) return { text: subject, count: 0 };
  const replaced = expandPcreTemplate(template, m);
  return {
    text: subject.slice(0, m.index) + replaced + subject.slice(m.index + m[0].length),
    count: 1,
  };
}

/** `ngx.re.gsub`: replace every match of `re` in `subject` by `template`. */
export function pcreGsub(subject: string, re: RegExp, template: string): PcreSubResult {
  const all = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let count = 0;
  const text = subject.replace(all, (...args: unknown[]) => {
    count++;
    const groupCount = args.findIndex((a) => typeof a === 'number');
    return expandPcreTemplate(template, args.slice(0, groupCount) as (string | undefined)[]);
  });
  return { text, count };
}
